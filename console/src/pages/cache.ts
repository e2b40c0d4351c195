import { api, describe } from '../api.js';
import { announce, h } from '../dom.js';
import type { Page } from '../main.js';

async function render(main: HTMLElement): Promise<void> {
  const flush = h('button', { type: 'button', class: 'danger' }, 'Empty the answer cache');
  flush.addEventListener('click', async () => {
    if (!window.confirm('Empty the answer cache for every tenant?')) return;
    try {
      await api('/admin/cache/flush', { method: 'POST' });
      announce('The answer cache is empty: the next answers are made afresh.');
    } catch (error) {
      announce(`Not emptied: ${describe(error)}`, 'error');
    }
  });
  main.append(
    h(
      'p',
      {},
      'Emptying the cache makes every next answer afresh, for every tenant: the cache is one store, and ',
      'it has no per-tenant flush. It is rarely needed: adding or removing a document already retires the ',
      'cached answers of its tenant and scope.',
    ),
    flush,
  );
}

export const cachePage: Page = { route: 'cache', title: 'Answer cache', render };
