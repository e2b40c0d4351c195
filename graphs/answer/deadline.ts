import type { CallOptions } from '../../src/llm/chat-models.js';
import type { AnswerStateType } from './state.js';

/** The question's deadline has passed: no model call may start, and those running were ended. */
export const expired = (state: AnswerStateType) => state.deadline > 0 && Date.now() >= state.deadline;

/** One model call ends with the question's deadline, however many retries it has left. */
export function untilDeadline(state: AnswerStateType): CallOptions {
  if (state.deadline === 0) return {};
  return { signal: AbortSignal.timeout(Math.max(1, state.deadline - Date.now())) };
}
