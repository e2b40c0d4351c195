import { api, describe, query } from '../api.js';
import { announce, formatTime, h, table } from '../dom.js';
import { filterForm, filters } from '../filters.js';
import type { Page } from '../main.js';
import { sourceForm } from '../source-form.js';
import type { SourceView, SyncCounts } from '../types.js';

const UNITS: [number, string][] = [
  [86_400_000, 'd'],
  [3_600_000, 'h'],
  [60_000, 'm'],
];

/** A period as the API takes it back: 6h, 30m, 1d. */
export function formatEvery(ms: number): string {
  for (const [size, unit] of UNITS) if (ms >= size && ms % size === 0) return `every ${ms / size}${unit}`;
  return `every ${Math.round(ms / 1000)}s`;
}

export function formatCounts(counts: SyncCounts | null): string {
  if (!counts) return '—';
  const { added, updated, unchanged, removed, failed } = counts;
  return `${added} added, ${updated} updated, ${unchanged} unchanged, ${removed} removed, ${failed} failed`;
}

function formatStatus(source: SourceView): string {
  if (source.status === 'never') return 'not synced yet';
  const when = source.last_sync_at ? ` (${formatTime(source.last_sync_at)})` : '';
  const streak = source.failures > 1 ? `, ${source.failures} in a row` : '';
  return `${source.status}${streak}${when}`;
}

/** The settings a source's kind was given, and where its secret is read: names only. */
function formatSettings(source: SourceView): string {
  const settings = Object.entries(source.settings).map(([name, value]) => `${name} ${value}`);
  if (source.secret) settings.push(`secret from ${source.secret}`);
  return settings.join(', ') || '—';
}

function syncButton(source: SourceView, reload: () => Promise<void>): HTMLButtonElement {
  const button = h('button', { type: 'button', 'aria-label': `Sync ${source.target} now` }, 'Sync now');
  button.addEventListener('click', async () => {
    button.disabled = true;
    button.textContent = 'Syncing…';
    announce(`Syncing ${source.target}…`);
    try {
      const { source: synced } = await api<{ source: SourceView }>(
        `/admin/sources/${encodeURIComponent(source.id)}/sync`,
        { method: 'POST' },
      );
      const problem = synced.last_error ? ` First error: ${synced.last_error}` : '';
      announce(
        `${synced.target}: ${synced.status}, ${formatCounts(synced.counts)}.${problem}`,
        synced.status === 'ok' ? 'info' : 'error',
      );
    } catch (error) {
      announce(`Not synced: ${describe(error)}`, 'error');
    }
    await reload();
  });
  return button;
}

function removeButton(source: SourceView, reload: () => Promise<void>): HTMLButtonElement {
  const button = h(
    'button',
    { type: 'button', class: 'danger', 'aria-label': `Remove ${source.target}` },
    'Remove',
  );
  button.addEventListener('click', async () => {
    if (!window.confirm(`Remove the source ${source.target} and every document it brought?`)) return;
    try {
      const { documents_removed } = await api<{ documents_removed: number }>(
        `/admin/sources/${encodeURIComponent(source.id)}`,
        { method: 'DELETE' },
      );
      announce(
        `Removed ${source.target} and its ${documents_removed} document${documents_removed === 1 ? '' : 's'}.`,
      );
    } catch (error) {
      announce(`Not removed: ${describe(error)}`, 'error');
    }
    await reload();
  });
  return button;
}

function sourcesTable(tenant: string, sources: SourceView[], reload: () => Promise<void>): HTMLElement {
  const region = table(
    `Sources of ${tenant}`,
    [
      'Kind',
      'Target',
      'Scope',
      'Schedule',
      'Settings',
      'Status',
      'Counts',
      'Last error',
      'Next sync',
      'Actions',
    ],
    sources.map((source) => [
      source.kind,
      h('span', { title: source.id }, source.target),
      source.scope,
      formatEvery(source.every_ms),
      formatSettings(source),
      formatStatus(source),
      formatCounts(source.counts),
      source.last_error ? h('span', { class: 'error' }, source.last_error) : '—',
      source.next_sync_at ? formatTime(source.next_sync_at) : '—',
      h('div', { class: 'actions' }, syncButton(source, reload), removeButton(source, reload)),
    ]),
  );
  // Ten columns: on a phone the table scrolls sideways rather than squeezing each into a sliver.
  region.classList.add('wide-table');
  return region;
}

/** Sources grouped by tenant, in the order the API lists them. */
function byTenant(sources: SourceView[]): Map<string, SourceView[]> {
  const groups = new Map<string, SourceView[]>();
  for (const source of sources) groups.set(source.tenant, [...(groups.get(source.tenant) ?? []), source]);
  return groups;
}

async function render(main: HTMLElement): Promise<void> {
  const list = h('div', { class: 'page-content' });
  main.append(
    h(
      'p',
      {},
      'Sites, wikis, repositories and folders Docent reads on a schedule: new and changed pages are added, ',
      'pages that disappear are removed. See docs/sources.md for each kind.',
    ),
    filterForm(['tenant'], () => void load(), { allowAll: true }),
    list,
    h(
      'section',
      { class: 'card' },
      sourceForm(() => void load()),
    ),
  );

  async function load(): Promise<void> {
    const tenant = filters.tenant;
    const { sources } = await api<{ sources: SourceView[] }>(`/admin/sources${query({ tenant })}`);
    const groups = byTenant(sources);
    list.replaceChildren(
      ...(sources.length === 0
        ? [h('p', {}, tenant ? `No sources in ${tenant}.` : 'No sources yet.')]
        : [...groups].map(([name, group]) => sourcesTable(name, group, load))),
    );
  }
  await load();
}

export const sourcesPage: Page = { route: 'sources', title: 'Sources', render };
