import type { AnswerResult } from '../../src/core/ask.js';
import { answeredBy } from '../shared/answered-by.js';
import { splitText } from '../shared/split-text.js';
import { escapeMrkdwn, markdownToMrkdwn, slackLink } from './mrkdwn.js';

// Slack's limits: 3,000 characters in a section, 50 blocks in a message.
const SECTION_LIMIT = 3000;
const MAX_BLOCKS = 50;
const MAX_SOURCES = 10;
export const FEEDBACK_ACTION = /^docent_feedback_(up|down)$/;

type Block = Record<string, unknown>;

/**
 * An answer as Block Kit messages: the text in sections, numbered sources, a footer, and 👍/👎.
 * Returns several messages when one would pass Slack's block limit; only the last has the buttons.
 */
export function answerMessages(result: AnswerResult): { text: string; blocks: Block[] }[] {
  const body = markdownToMrkdwn(result.answer + (result.note ? `\n\n_${result.note}_` : ''));
  const sections: Block[] = splitText(body, SECTION_LIMIT).map((text) => ({
    type: 'section',
    text: { type: 'mrkdwn', text },
  }));
  const tail: Block[] = [];
  if (result.sources.length > 0) {
    tail.push({ type: 'context', elements: [{ type: 'mrkdwn', text: sourcesText(result.sources) }] });
  }
  tail.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: escapeMrkdwn(answeredBy(result, ' · cached')) }],
  });
  tail.push({
    type: 'actions',
    block_id: `feedback:${result.id}`,
    elements: [
      {
        type: 'button',
        action_id: 'docent_feedback_up',
        text: { type: 'plain_text', text: '👍' },
        value: result.id,
      },
      {
        type: 'button',
        action_id: 'docent_feedback_down',
        text: { type: 'plain_text', text: '👎' },
        value: result.id,
      },
    ],
  });
  const messages: { text: string; blocks: Block[] }[] = [];
  const perMessage = MAX_BLOCKS - tail.length;
  for (let i = 0; i < sections.length; i += perMessage)
    messages.push({ text: '', blocks: sections.slice(i, i + perMessage) });
  const last = messages.at(-1) ?? { text: '', blocks: [] };
  if (messages.length === 0) messages.push(last);
  if (last.blocks.length + tail.length > MAX_BLOCKS) messages.push({ text: '', blocks: tail });
  else last.blocks.push(...tail);
  // The plain-text fallback appears in notifications; keep it within Slack's 40,000-character cut.
  // Slack reads markup in it as in the blocks, so it is escaped the same way.
  const fallback = escapeMrkdwn(result.answer.slice(0, 3000));
  for (const m of messages) m.text = fallback;
  return messages;
}

/**
 * Numbered sources: a title linked to its http(s) address, else the title and where it came from,
 * all escaped. Whole lines only, so a link is never cut open at the section limit.
 */
function sourcesText(sources: AnswerResult['sources']): string {
  let text = '*Sources*';
  for (const s of sources.slice(0, MAX_SOURCES)) {
    const label = s.title === s.source ? s.title : `${s.title} (${s.source})`;
    const line = `\n[${s.n}] ${slackLink(s.source, s.title) ?? escapeMrkdwn(label.replace(/\s+/g, ' '))}`;
    if (text.length + line.length > SECTION_LIMIT) break;
    text += line;
  }
  return text;
}
