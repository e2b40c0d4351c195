import { CURATED, CURATED_SOURCE_TITLE, type CuratedAnswer } from '../../src/core/ports/curated-answers.js';
import type { Passage } from '../../src/core/types.js';
import { stripMentions } from './sanitize.js';

/**
 * An admin's answer as the turn's state: served before the cache and the models, so it costs no
 * tokens and is never escalated. Its one source is the curated answer itself.
 */
export function fromCurated(curated: CuratedAnswer) {
  const source: Passage = {
    chunkId: '',
    docId: `curated:${curated.id}`,
    title: CURATED_SOURCE_TITLE,
    source: `admin:${curated.id}`,
    text: curated.answer,
    position: 0,
    score: 1,
  };
  return {
    cached: false,
    // Written by a person, yet still never allowed to ping a whole channel.
    answer: stripMentions(curated.answer),
    passages: [source],
    model: CURATED,
    route: 'curated' as const,
    covered: true,
    cited: [1],
  };
}
