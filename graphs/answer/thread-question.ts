import { normaliseQuestion } from './cache-key.js';
import type { AnswerStateType } from './state.js';

/**
 * What a people's thread asks, for the offline classifier: its latest message that asks
 * something, else its opening message.
 */
export function threadQuestion(thread: AnswerStateType['thread']): string | undefined {
  const asking = thread.filter((m) => m.text.includes('?')).at(-1);
  return (asking ?? thread[0])?.text;
}

/**
 * The cache key's context for a question read with its thread. A question rewritten from the
 * thread names what it asks and is keyed by that rewrite alone; one left as written ("can you
 * answer this?") is keyed with the thread's text too, so another thread's identical words never
 * get this thread's answer.
 */
export function threadKey(state: AnswerStateType, question: string): string {
  if (state.thread.length === 0) return '';
  if (normaliseQuestion(question) !== normaliseQuestion(state.question)) return '';
  return state.thread.map((m) => m.text).join('\n');
}
