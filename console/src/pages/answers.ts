import { answerForm } from '../answer-form.js';
import { ApiError, api, describe, query } from '../api.js';
import { announce, formatTime, h } from '../dom.js';
import { filterForm, oneTenant } from '../filters.js';
import type { Page } from '../main.js';
import type { CuratedAnswer } from '../types.js';

async function remove(answer: CuratedAnswer, reload: () => Promise<void>): Promise<void> {
  if (!window.confirm(`Remove the curated answer to “${answer.question}”?`)) return;
  try {
    await api(`/admin/answers/${encodeURIComponent(answer.id)}${query({ tenant: answer.tenant_id })}`, {
      method: 'DELETE',
    });
    announce('Curated answer removed.');
    await reload();
  } catch (error) {
    announce(`Not removed: ${describe(error)}`, 'error');
  }
}

function answerCard(answer: CuratedAnswer, reload: () => Promise<void>): HTMLElement {
  const removeButton = h('button', { type: 'button', class: 'danger' }, 'Remove');
  removeButton.addEventListener('click', () => void remove(answer, reload));
  const edit = answerForm(
    {
      id: answer.id,
      tenant: answer.tenant_id,
      scope: answer.scope,
      question: answer.question,
      answer: answer.answer,
    },
    () => void reload(),
  );
  return h(
    'article',
    { class: 'card' },
    h('h2', {}, answer.question),
    h('p', { class: 'answer' }, answer.answer),
    h('p', { class: 'muted' }, `Scope ${answer.scope} · updated ${formatTime(answer.updated_at)}`),
    h('details', {}, h('summary', {}, 'Edit'), edit),
    removeButton,
  );
}

async function render(main: HTMLElement): Promise<void> {
  const list = h('div', { class: 'page-content' });
  const add = h(
    'details',
    { class: 'card' },
    h('summary', {}, 'Add a curated answer'),
    answerForm({ tenant: oneTenant(), question: '' }, () => void load()),
  );
  main.append(
    h('p', {}, 'Answers written by people: Docent gives them as they are when the question matches.'),
    filterForm(['tenant'], () => void load()),
    add,
    list,
  );

  async function load(): Promise<void> {
    try {
      const { answers } = await api<{ answers: CuratedAnswer[] }>(
        `/admin/answers${query({ tenant: oneTenant() })}`,
      );
      list.replaceChildren(
        answers.length === 0
          ? h('p', {}, 'No curated answers for this tenant yet.')
          : h('div', { class: 'cards' }, ...answers.map((answer) => answerCard(answer, load))),
      );
      announce(`${answers.length} curated answer${answers.length === 1 ? '' : 's'}.`);
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) throw error;
      add.hidden = true;
      list.replaceChildren(
        h('p', {}, 'This server has no curated answers (GET /admin/answers is not there).'),
      );
    }
  }
  await load();
}

export const answersPage: Page = { route: 'answers', title: 'Curated answers', render };
