import { api, describe, query } from '../api.js';
import { announce, field, h } from '../dom.js';
import { filterForm, oneTenant } from '../filters.js';
import type { Page } from '../main.js';
import type { AutoAnswerView } from '../types.js';

// The API's own rule for an id: Slack's C0123ABCD and Discord's snowflakes both fit.
const CHANNEL_ID = /^[\w.-]{1,64}$/;
const MAX_CHANNELS = 500;

function configuredPart(view: AutoAnswerView): HTMLElement {
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'configured-channels' },
    h('h2', { id: 'configured-channels' }, 'For every tenant'),
    h('p', { class: 'muted' }, 'AUTO_ANSWER_CHANNELS, changed only in the configuration.'),
    view.configured.length === 0
      ? h('p', {}, 'None configured.')
      : h('ul', { class: 'channels' }, ...view.configured.map((id) => h('li', {}, h('code', {}, id)))),
  );
}

/** The tenant's list as edited here: kept on the page until saved with one PUT. */
function tenantPart(view: AutoAnswerView): HTMLElement {
  let draft = [...view.channels];
  let saved = [...view.channels];
  const list = h('ul', { class: 'channels', 'aria-label': `Auto-answer channels of ${view.tenant}` });
  const unsaved = h('p', { class: 'muted', 'aria-live': 'polite' });
  // Browsers read a pattern in the `v` mode, where a class's "-" must be escaped.
  const input = h('input', { name: 'channel', required: true, maxlength: 64, autocomplete: 'off' });
  input.pattern = '[\\w.\\-]{1,64}';
  const save = h('button', { type: 'button' }, 'Save the channels');

  const show = () => {
    list.replaceChildren(
      ...draft.map((id) => {
        const remove = h(
          'button',
          { type: 'button', class: 'danger', 'aria-label': `Remove ${id}` },
          'Remove',
        );
        remove.addEventListener('click', () => {
          draft = draft.filter((other) => other !== id);
          show();
          announce(`${id} taken off the list: save to apply.`);
        });
        return h('li', {}, h('code', {}, id), ' ', remove);
      }),
    );
    if (draft.length === 0) list.append(h('li', {}, 'No channels of its own.'));
    const changed = draft.join(',') !== saved.join(',');
    unsaved.textContent = changed ? 'Unsaved changes.' : '';
    save.disabled = !changed;
  };

  const add = h(
    'form',
    { class: 'inline-form' },
    field('Channel id', input),
    h('button', { type: 'submit' }, 'Add'),
  );
  add.addEventListener('submit', (event) => {
    event.preventDefault();
    const id = input.value.trim();
    if (!CHANNEL_ID.test(id)) {
      announce('A channel id is letters, digits, ".", "_" or "-", such as C0123ABCD.', 'error');
      return;
    }
    if (draft.includes(id)) {
      announce(`${id} is already in the list.`, 'error');
      return;
    }
    if (draft.length >= MAX_CHANNELS) {
      announce(`A tenant has at most ${MAX_CHANNELS} auto-answer channels.`, 'error');
      return;
    }
    draft = [...draft, id];
    add.reset();
    show();
    announce(`${id} added to the list: save to apply.`);
    input.focus();
  });

  save.addEventListener('click', async () => {
    save.disabled = true;
    try {
      const stored = await api<AutoAnswerView>(`/admin/auto-answer${query({ tenant: view.tenant })}`, {
        method: 'PUT',
        json: { channels: draft },
      });
      saved = [...stored.channels];
      draft = [...stored.channels];
      announce(
        stored.channels.length === 0
          ? `Auto-answer is off in ${stored.tenant}’s own channels.`
          : `Saved: ${stored.tenant} auto-answers in ${stored.channels.join(', ')}.`,
      );
    } catch (error) {
      announce(`The channels were not saved: ${describe(error)}`, 'error');
    }
    show();
  });

  show();
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'tenant-channels' },
    h('h2', { id: 'tenant-channels' }, `Channels of ${view.tenant}`),
    list,
    add,
    unsaved,
    save,
  );
}

async function render(main: HTMLElement): Promise<void> {
  const content = h('div', { class: 'page-content' });
  main.append(
    h(
      'p',
      {},
      'In these channels Docent answers every top-level question without a mention, in a thread, ',
      'but only when the documents or a curated answer cover it.',
    ),
    filterForm(['tenant'], () => void load()),
    content,
  );

  async function load(): Promise<void> {
    const view = await api<AutoAnswerView>(`/admin/auto-answer${query({ tenant: oneTenant() })}`);
    content.replaceChildren(
      tenantPart(view),
      configuredPart(view),
      h(
        'p',
        { class: 'muted' },
        view.uncovered === 'react'
          ? 'A question the documents do not cover gets a ❔ reaction (AUTO_ANSWER_UNCOVERED=react).'
          : 'A question the documents do not cover gets no reply (AUTO_ANSWER_UNCOVERED=silent).',
      ),
    );
  }
  await load();
}

export const autoAnswerPage: Page = { route: 'auto-answer', title: 'Auto-answer channels', render };
