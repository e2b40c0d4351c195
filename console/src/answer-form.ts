import { api, describe, query } from './api.js';
import { announce, field, h } from './dom.js';

export interface AnswerDraft {
  tenant: string;
  scope?: string;
  question: string;
  answer?: string;
  /** When set, the form edits this curated answer instead of writing a new one. */
  id?: string;
}

/**
 * The form that writes a curated answer (POST /admin/answers) or edits one (PUT). Scope and tenant
 * are fixed once an answer exists, as the API keeps them.
 */
export function answerForm(draft: AnswerDraft, onSaved: () => void): HTMLFormElement {
  const tenant = h('input', { name: 'tenant', value: draft.tenant, list: 'tenants', required: true });
  const scope = h('input', { name: 'scope', value: draft.scope ?? 'tenant', required: true });
  const question = h('input', { name: 'question', value: draft.question, required: true, maxlength: 2000 });
  const answer = h('textarea', { name: 'answer', rows: 5, required: true, maxlength: 20000 });
  answer.value = draft.answer ?? '';
  const editing = draft.id !== undefined;
  tenant.disabled = editing;
  scope.disabled = editing;
  const form = h(
    'form',
    { class: 'answer-form' },
    h('div', { class: 'row' }, field('Tenant', tenant), field('Scope', scope)),
    field('Question', question),
    field('Answer', answer),
    h('button', { type: 'submit' }, editing ? 'Save the answer' : 'Publish the answer'),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = { question: question.value.trim(), answer: answer.value.trim() };
    try {
      if (editing)
        await api(`/admin/answers/${encodeURIComponent(draft.id ?? '')}${query({ tenant: draft.tenant })}`, {
          method: 'PUT',
          json: body,
        });
      else
        await api(`/admin/answers${query({ tenant: tenant.value.trim(), scope: scope.value.trim() })}`, {
          method: 'POST',
          json: body,
        });
      announce(editing ? 'Curated answer saved.' : 'Curated answer published.');
      onSaved();
    } catch (error) {
      announce(`The answer was not saved: ${describe(error)}`, 'error');
    }
  });
  return form;
}
