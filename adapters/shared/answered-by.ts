import type { AnswerResult } from '../../src/core/ask.js';
import { CURATED, CURATED_BY } from '../../src/core/ports/curated-answers.js';

/** Who answered, as an answer's footer credits it: the team's admins, or the model (and whether it was cached). */
export function answeredBy(result: AnswerResult, cachedMark: string): string {
  if (result.route === CURATED) return CURATED_BY;
  return `${result.model}${result.cached ? cachedMark : ''}`;
}
