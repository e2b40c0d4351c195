/** Small DOM helpers: every text goes in as a text node, so nothing from the API becomes markup. */

type Child = Node | string | number | null | undefined | false;
type AttrValue = string | number | boolean | undefined | ((event: Event) => void);

/** An element with attributes, `on…` listeners and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, AttrValue> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, ...children);
  return element;
}

export function append(parent: Element, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(typeof child === 'number' ? String(child) : child);
  }
}

let fieldIds = 0;
/** A labelled form control: the label names it for screen readers and enlarges its click target. */
export function field(label: string, control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement) {
  if (!control.id) control.id = `field-${++fieldIds}`;
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control);
}

/** Says something to everyone: shown at the top and read out by screen readers (aria-live). */
export function announce(message: string, kind: 'info' | 'error' = 'info'): void {
  const status = document.getElementById('status');
  if (!status) return;
  status.className = `status ${kind}`;
  // Emptied first, so the same message twice is still read out.
  status.textContent = '';
  window.setTimeout(() => {
    status.textContent = message;
  }, 50);
}

export const formatUsd = (usd: number) => `$${usd < 0.01 && usd > 0 ? usd.toFixed(4) : usd.toFixed(2)}`;
export const formatPercent = (ratio: number | null | undefined) =>
  ratio === null || ratio === undefined ? '–' : `${(ratio * 100).toFixed(1)}%`;
export const formatTime = (iso: string) => new Date(iso).toLocaleString();

const SIZE_UNITS = ['KB', 'MB', 'GB'];

/** A size in bytes as people read it ("4.1 KB"); "—" when unknown. */
export function formatBytes(bytes: number | null): string {
  if (bytes === null) return '—';
  if (bytes < 1024) return `${bytes} B`;
  let size = bytes / 1024;
  let unit = 0;
  while (size >= 1024 && unit < SIZE_UNITS.length - 1) {
    size /= 1024;
    unit++;
  }
  return `${size.toFixed(size < 10 ? 1 : 0)} ${SIZE_UNITS[unit]}`;
}

/** A table with a caption, its header row and body rows, scrollable sideways on a narrow screen. */
export function table(caption: string, headers: string[], rows: Child[][]): HTMLElement {
  return h(
    'div',
    { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-label': caption },
    h(
      'table',
      {},
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, ...headers.map((name) => h('th', { scope: 'col' }, name)))),
      h('tbody', {}, ...rows.map((cells) => h('tr', {}, ...cells.map((cell) => h('td', {}, cell))))),
    ),
  );
}
