import type { AnswerCache, CachedAnswer } from '../../src/core/ports/answer-cache.js';
import type { CuratedAnswer, CuratedAnswerLookup } from '../../src/core/ports/curated-answers.js';
import type { KnowledgeVersions } from '../../src/core/ports/knowledge-versions.js';
import type { ModelTiers } from '../../src/core/ports/language-model.js';
import type { Audience, Passage } from '../../src/core/types.js';
import { answerCacheKey, modelsLabel, questionSignature } from './cache-key.js';

export interface CacheStepDeps {
  cache: AnswerCache;
  versions: KnowledgeVersions;
  models: ModelTiers;
  /** Answers written by admins; they take precedence over the cache and the models. */
  curated?: CuratedAnswerLookup;
}

/**
 * What looking a question up found: its key, the knowledge versions in it, and an admin's answer
 * to it, or else the answer if cached.
 */
export interface Lookup {
  key: string;
  versions: string[];
  curated?: CuratedAnswer;
  hit?: CachedAnswer;
}

/**
 * Looks a question up among the curated answers its audience may read (by the question's
 * signature, as the cache matches rephrasings), then in the answer cache under the audience's
 * current knowledge versions, the tenant's answer generation and the models in use: a change to
 * any of them is a miss. A key in
 * `missed` is not read again.
 */
export function cacheLookup(deps: CacheStepDeps) {
  const answeredBy = modelsLabel(deps.models);
  return async (
    audience: Audience,
    question: string,
    missed: readonly string[] = [],
    /** What else the answer was made from (a thread's messages): part of the key when given. */
    context = '',
  ): Promise<Lookup> => {
    const [versions, generation] = await Promise.all([
      deps.versions.read(audience.tenantId, audience.scopes),
      deps.versions.answerGeneration(audience.tenantId),
    ]);
    const curated = await deps.curated?.find(audience, versions, questionSignature(question));
    const key = answerCacheKey({ audience, versions, generation, models: answeredBy }, question, context);
    if (curated) return { key, versions, curated };
    return { key, versions, hit: missed.includes(key) ? undefined : await deps.cache.get(key) };
  };
}

/** A cached answer as the turn's state: served as stored, its sources as the passages. */
export function fromCache(hit: CachedAnswer) {
  const passages: Passage[] = hit.sources.map((s) => ({
    chunkId: '',
    docId: s.doc_id,
    title: s.title,
    source: s.source,
    text: s.text,
    position: 0,
    score: s.score,
  }));
  return {
    cached: true,
    answer: hit.answer,
    passages,
    model: hit.model,
    route: 'cached' as const,
    covered: true,
    cited: [1],
  };
}
