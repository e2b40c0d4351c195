import type { ModelTiers } from '../../src/core/ports/language-model.js';
import { extractiveAnswer } from './extractive-answerer.js';
import type { AnswerStateType } from './state.js';

/**
 * The cheap model's answer goes up a tier when it cites nothing it was given, says it is unsure,
 * or says the passages don't cover a question that they visibly share words with.
 */
export function needsEscalation(state: AnswerStateType, models: ModelTiers): boolean {
  if (state.route !== 'cheap' || !models.strong || state.model !== models.cheap?.name) return false;
  if (state.confidence === 'low') return true;
  if (!state.covered) return extractiveAnswer(state.standalone, state.passages) !== undefined;
  return state.cited.length === 0;
}
