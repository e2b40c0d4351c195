import { createHash } from 'node:crypto';
import type { Audience } from '../../src/core/types.js';
import { stem } from '../../src/ingestion/tokenize.js';
import type { ModelTiers } from '../../src/llm/chat-models.js';
import type { AnswerCache } from '../../src/stores/answer-cache.js';

export const EXTRACTIVE = 'extractive';

export function normaliseQuestion(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKC')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * Words that change how a question is phrased, not what it asks. Question words, negations,
 * prepositions other than "to", numbers, tense and possessives all stay: "when" and "where",
 * "from" and "over", "not", "8080" and "8081", "my" and "your" ask for different answers.
 */
const PHRASING = new Set(
  'a an the do does did i me you we us is are am be can could would please tell to just kindly s'.split(' '),
);

/**
 * What a question asks, as the cache keys it: its words without the phrasing ones, stemmed, in
 * their order. The same for "How do I rotate the production API key?" and "how can I rotate
 * production API keys"; different for "staging", "revoke", "when", "not", and for the same words
 * in another order ("from staging to production" and back).
 *
 * Measured on the labelled pairs in test/fixtures/eval/near-duplicates.jsonl (`npm run
 * bench:near-duplicates`): it finds 16 of 23 rephrasings (the normalised text alone finds 3) and
 * matches no two different questions; looser matches (the same words in any order, or embedding
 * similarity at any threshold that finds more) served another question's answer, and a wrong
 * cached answer is worse than a miss.
 */
export function questionSignature(question: string): string {
  const words: string[] = [];
  for (const match of question
    .toLowerCase()
    .normalize('NFKC')
    .matchAll(/[\p{L}\p{N}]+/gu)) {
    const word = match[0];
    if (!PHRASING.has(word)) words.push(stem(word));
  }
  // A question of phrasing words only ("can you?") keeps its own text rather than an empty key.
  return words.length > 0 ? words.join(' ') : normaliseQuestion(question);
}

/** Which models answered: a cached extractive answer must not stand in for a model's, nor the reverse. */
export function modelsLabel(models: ModelTiers): string {
  return `${models.cheap?.name ?? EXTRACTIVE}/${models.strong?.name ?? EXTRACTIVE}`;
}

/**
 * The answer cache key: tenant, scopes, the knowledge version of each scope (so any ingestion in
 * them retires old answers), the models and the standalone question's signature.
 */
export async function answerCacheKey(
  cache: AnswerCache,
  audience: Audience,
  models: string,
  question: string,
): Promise<string> {
  const sorted = [...audience.scopes].sort();
  const versions = await Promise.all(sorted.map((s) => cache.knowledgeVersion(audience.tenantId, s)));
  const material = [
    audience.tenantId,
    sorted.join(','),
    versions.join(','),
    models,
    questionSignature(question),
  ];
  return createHash('sha256').update(material.join('\u0000')).digest('hex');
}
