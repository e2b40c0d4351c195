import type { Config } from '../../src/config.js';
import type { HistoryStore } from '../../src/core/ports/history-store.js';
import type { Logger } from '../../src/logger.js';

export type SuggestedPrompt = NonNullable<NonNullable<Config['slack']>['assistantPrompts']>[number];

/** Slack shows up to four prompts in an assistant thread. */
const MAX_PROMPTS = 4;
const PROMPT_TITLE_CHARS = 40;
const PROMPT_MESSAGE_CHARS = 500;
const THREAD_TITLE_CHARS = 60;

/** Offered when the tenant has no answered question on record yet and none are configured. */
export const GENERIC_PROMPTS: SuggestedPrompt[] = [
  { title: 'Getting started', message: 'How do I get started here?' },
  { title: 'Time off', message: 'How do I request time off?' },
  { title: 'Expenses', message: 'How do I file an expense?' },
  { title: 'IT help', message: 'Who do I ask for IT help?' },
];

/**
 * What to offer someone opening the assistant: the configured prompts; else the tenant's most
 * asked questions that the documents answered, asked where everyone in the tenant reads (a DM's
 * or a private channel's question is never shown to others); else generic ones.
 */
export async function promptsFor(
  tenantId: string,
  options: { configured?: SuggestedPrompt[]; history: HistoryStore; logger: Logger },
): Promise<{ title: string; prompts: SuggestedPrompt[] }> {
  if (options.configured?.length) return { title: 'Try asking', prompts: options.configured };
  const asked = await options.history.mostAsked({ tenantId }, MAX_PROMPTS).catch((error: unknown) => {
    options.logger.warn({ err: error }, 'slack assistant: the most asked questions could not be read');
    return [];
  });
  const prompts = asked.flatMap(({ question }) => {
    const message = plainText(question).slice(0, PROMPT_MESSAGE_CHARS);
    return message ? [{ title: shorten(message, PROMPT_TITLE_CHARS), message }] : [];
  });
  return prompts.length > 0
    ? { title: 'Often asked', prompts }
    : { title: 'Try asking', prompts: GENERIC_PROMPTS };
}

/** A thread's title from its first question: plain words, cut short. */
export function threadTitle(question: string): string {
  return shorten(plainText(question), THREAD_TITLE_CHARS) || 'Question';
}

/**
 * Someone's words as plain text: Slack's markup (`<@U1>`, `<!here>`, `<https://…|label>`) is
 * dropped, so a suggestion shown to others pings no one and links nowhere.
 */
function plainText(text: string): string {
  return text
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Cut at a word boundary when there is one, with an ellipsis. */
function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
