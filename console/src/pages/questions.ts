import { ApiError, api, describe, query } from '../api.js';
import { announce, field, formatTime, formatUsd, h } from '../dom.js';
import { filterForm, filters } from '../filters.js';
import type { Page } from '../main.js';
import type { QuestionView } from '../types.js';

let lastSearch = '';

/** Fetches the answer's trace and shows it in place: pretty JSON, or "no trace" when there is none. */
async function showTrace(question: QuestionView, button: HTMLButtonElement, out: HTMLElement): Promise<void> {
  button.disabled = true;
  try {
    const trace = await api<unknown>(
      `/admin/traces/${encodeURIComponent(question.trace_id ?? '')}${query({ tenant: question.tenant_id })}`,
    );
    out.replaceChildren(h('pre', { class: 'trace', tabindex: 0 }, JSON.stringify(trace, null, 2)));
  } catch (error) {
    out.replaceChildren(
      h('p', {}, error instanceof ApiError && error.status === 404 ? 'No trace.' : describe(error)),
    );
  } finally {
    button.disabled = false;
  }
}

function questionCard(question: QuestionView): HTMLElement {
  const traceOut = h('div', { 'aria-live': 'polite' });
  const traceButton = h('button', { type: 'button', class: 'quiet' }, 'Show trace');
  traceButton.addEventListener('click', () => void showTrace(question, traceButton, traceOut));
  const facts: [string, string][] = [
    ['Asked', formatTime(question.at)],
    ['Tenant', question.tenant_id],
    ['Where', `${question.platform} · ${question.scope}`],
    ['Route', `${question.route}${question.cached ? ' (cached)' : ''}`],
    ['Model', question.model],
    ['Cost', formatUsd(question.cost_usd)],
    ['Latency', `${question.latency_ms} ms`],
    ['Trace', question.trace_id ?? 'none'],
  ];
  return h(
    'article',
    { class: 'card question' },
    h('h2', {}, question.question ?? '(question text not kept)'),
    h('dl', { class: 'facts' }, ...facts.flatMap(([name, value]) => [h('dt', {}, name), h('dd', {}, value)])),
    h('p', { class: 'answer' }, question.answer ?? '(answer text not kept)'),
    question.sources.length > 0
      ? h(
          'div',
          {},
          h('h3', {}, 'Sources'),
          h('ol', {}, ...question.sources.map((s) => h('li', {}, `${s.title} (${s.source})`))),
        )
      : h(
          'p',
          { class: 'muted' },
          question.covered ? 'No sources cited.' : 'The documents did not cover it.',
        ),
    question.trace_id ? traceButton : null,
    traceOut,
  );
}

async function render(main: HTMLElement): Promise<void> {
  const results = h('div', { class: 'page-content' });
  const search = h('input', { type: 'search', name: 'q', value: lastSearch, maxlength: 200 });
  const form = filterForm(['tenant', 'from', 'to'], () => void load(), {
    allowAll: true,
    extra: [field('Question contains', search)],
  });
  main.append(form, results);

  async function load() {
    lastSearch = search.value.trim();
    const { questions } = await api<{ questions: QuestionView[] }>(
      `/admin/questions${query({ tenant: filters.tenant, from: filters.from, to: filters.to, q: lastSearch, limit: 100 })}`,
    );
    results.replaceChildren(
      questions.length === 0
        ? h('p', {}, 'No answered questions match.')
        : h('div', { class: 'cards' }, ...questions.map(questionCard)),
    );
    announce(`${questions.length} question${questions.length === 1 ? '' : 's'} found.`);
  }
  await load();
}

export const questionsPage: Page = { route: 'questions', title: 'Questions', render };
