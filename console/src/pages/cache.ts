import { api, describe, query } from '../api.js';
import { announce, h } from '../dom.js';
import { filterForm, oneTenant } from '../filters.js';
import type { Page } from '../main.js';

/** A button that flushes, after asking, and says how it went. */
function flushButton(label: string, question: string, path: string, done: string): HTMLButtonElement {
  const button = h('button', { type: 'button', class: 'danger' }, label);
  button.addEventListener('click', async () => {
    if (!window.confirm(question)) return;
    try {
      await api(path, { method: 'POST' });
      announce(done);
    } catch (error) {
      announce(`Not flushed: ${describe(error)}`, 'error');
    }
  });
  return button;
}

function tenantFlush(tenant: string): HTMLElement[] {
  return [
    h(
      'p',
      {},
      `Flushing ${tenant}’s answers makes its next answers afresh; other tenants keep theirs. `,
      'It is rarely needed: adding or removing a document already retires the cached answers of its ',
      'tenant and scope.',
    ),
    flushButton(
      `Flush ${tenant}’s cached answers`,
      `Flush the cached answers of ${tenant}?`,
      `/admin/cache/flush${query({ tenant })}`,
      `The cached answers of ${tenant} are flushed: its next answers are made afresh.`,
    ),
  ];
}

async function render(main: HTMLElement): Promise<void> {
  const oneTenantPart = h('div', {}, ...tenantFlush(oneTenant()));
  const showTenant = () => oneTenantPart.replaceChildren(...tenantFlush(oneTenant()));
  main.append(
    h('h2', {}, 'One tenant'),
    filterForm(['tenant'], showTenant),
    oneTenantPart,
    h('h2', {}, 'Every tenant'),
    h('p', {}, 'Emptying the cache makes every next answer afresh, for every tenant.'),
    flushButton(
      'Empty the answer cache',
      'Empty the answer cache for every tenant?',
      '/admin/cache/flush',
      'The answer cache is empty: the next answers are made afresh.',
    ),
  );
}

export const cachePage: Page = { route: 'cache', title: 'Answer cache', render };
