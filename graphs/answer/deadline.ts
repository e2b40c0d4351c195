import type { CallOptions } from '../../src/core/ports/language-model.js';
import type { AnswerStateType } from './state.js';

/** The question's deadline has passed: no model call may start, and those running were ended. */
export const expired = (state: AnswerStateType) => state.deadline > 0 && Date.now() >= state.deadline;

/** One model call ends with the question's deadline, however many retries it has left. */
export function untilDeadline(state: AnswerStateType): CallOptions {
  if (state.deadline === 0) return {};
  return { signal: AbortSignal.timeout(Math.max(1, state.deadline - Date.now())) };
}

export const LATE = Symbol('late');

/**
 * `work`, or LATE once the question's deadline passes first, though not before `atLeastMs`: a
 * search that starts after the models ran out the clock still gets time to find passages to
 * quote. For work that cannot be handed a signal (a search embeds the question through a client
 * that takes none): it runs on, unwaited.
 */
export async function beforeDeadline<T>(
  state: AnswerStateType,
  work: Promise<T>,
  atLeastMs: number,
): Promise<T | typeof LATE> {
  if (state.deadline === 0) return work;
  // The loser's failure is nobody's to handle; it must not surface as an unhandled rejection.
  work.catch(() => {});
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<typeof LATE>((resolve) => {
    timer = setTimeout(() => resolve(LATE), Math.max(atLeastMs, state.deadline - Date.now()));
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
