import { answerForm } from '../answer-form.js';
import { api, query } from '../api.js';
import { announce, formatTime, h } from '../dom.js';
import { filterForm, filters, oneTenant } from '../filters.js';
import { type GapGroup, type GapItem, groupGaps } from '../group-questions.js';
import type { Page } from '../main.js';
import type { FeedbackView, GapView } from '../types.js';

const WHY = { unanswered: 'not answered', 'down-voted': 'voted down' } as const;

function gapCard(group: GapGroup, index: number): HTMLElement {
  const headingId = `gap-${index}`;
  const done = h(
    'p',
    { class: 'done', hidden: true },
    'Answer published: Docent uses it from the next question on.',
  );
  const form = answerForm({ tenant: oneTenant(), question: group.question }, () => {
    done.hidden = false;
  });
  return h(
    'article',
    { class: 'card gap', 'aria-labelledby': headingId },
    h('h2', { id: headingId }, group.question),
    h(
      'p',
      { class: 'muted' },
      `Asked ${group.count} time${group.count === 1 ? '' : 's'}, last ${formatTime(group.lastAsked)}; `,
      [...group.why].map((why) => WHY[why]).join(' and '),
    ),
    group.wordings.length > 1
      ? h(
          'details',
          {},
          h('summary', {}, `${group.wordings.length} wordings`),
          h('ul', {}, ...group.wordings.map((w) => h('li', {}, w))),
        )
      : null,
    h('details', { class: 'write' }, h('summary', {}, 'Write the answer'), form),
    done,
  );
}

async function render(main: HTMLElement): Promise<void> {
  const content = h('div', { class: 'page-content' });
  main.append(
    h(
      'p',
      {},
      'Questions the documents could not answer, and answers people voted down, grouped by wording, the most asked first.',
    ),
    filterForm(['tenant', 'from', 'to'], () => void load(), { allowAll: true }),
    content,
  );

  async function load() {
    const range = query({ tenant: filters.tenant, from: filters.from, to: filters.to, limit: 500 });
    const [unanswered, feedback] = await Promise.all([
      api<{ questions: GapView[] }>(`/admin/questions/unanswered${range}`),
      api<{ feedback: FeedbackView[] }>(`/admin/feedback${range}`),
    ]);
    const items: GapItem[] = [
      ...unanswered.questions
        .filter((gap) => gap.question)
        .map((gap) => ({
          question: gap.question as string,
          count: gap.count,
          lastAsked: gap.last_asked,
          why: 'unanswered' as const,
        })),
      ...feedback.feedback
        .filter((vote) => vote.vote === 'down' && vote.question)
        .map((vote) => ({
          question: vote.question as string,
          count: 1,
          lastAsked: vote.at,
          why: 'down-voted' as const,
        })),
    ];
    const groups = groupGaps(items);
    content.replaceChildren(
      groups.length === 0
        ? h('p', {}, 'No gaps: every question in these days was answered, and no answer was voted down.')
        : h('div', { class: 'cards' }, ...groups.map(gapCard)),
    );
    announce(`${groups.length} coverage gap${groups.length === 1 ? '' : 's'}.`);
  }
  await load();
}

export const gapsPage: Page = { route: 'gaps', title: 'Coverage gaps', render };
