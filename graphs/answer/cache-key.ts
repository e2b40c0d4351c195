import { hash } from 'node:crypto';
import type { ModelTiers } from '../../src/core/ports/language-model.js';
import type { Audience } from '../../src/core/types.js';

export const EXTRACTIVE = 'extractive';

export function normaliseQuestion(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKC')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * Words that only phrase a question: articles, "please", and who is asking. Auxiliaries and
 * modals stay ("did" and "does", "are" and "can" ask different things), as do question words,
 * negations, prepositions, numbers and possessives: "when" and "where", "from" and "over",
 * "not", "8080" and "8081", "my" and "your" ask for different answers.
 */
const PHRASING = new Set(['a', 'an', 'the', 'please', 'just', 'kindly', 'i', 'me', 'we', 'us']);
const ARTICLE = new Set(['a', 'an', 'the']);

/** Plural to singular only: other suffixes carry tense ("approved", "approves") or change meaning. */
function singular(word: string): string {
  if (word.length <= 3 || /\d/.test(word)) return word;
  if (word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (/(?:ss|us|is)$/.test(word) || !word.endsWith('s')) return word;
  return /(?:ches|shes|xes|sses)$/.test(word) ? word.slice(0, -2) : word.slice(0, -1);
}

/**
 * What a question asks, as the cache keys it: its words without the phrasing ones, plurals made
 * singular, in their order; identifiers ("KEY_A", "on-call") stay whole, and a capital letter
 * that is not an article ("plan A") stays. The same for "How do I rotate the production API
 * key?" and "how do I rotate production API keys, please"; different for "staging", "revoke",
 * "when", "not", "did" for "does", and for the same words in another order ("from staging to
 * production" and back).
 *
 * Measured on the labelled pairs in test/fixtures/eval/near-duplicates.jsonl (`npm run
 * bench:near-duplicates`): it matches no two different questions, and finds more rephrasings
 * than the normalised text; looser matches (dropping auxiliaries, the same words in any order,
 * or embedding similarity at any threshold that finds more) served another question's answer,
 * and a wrong cached answer is worse than a miss.
 */
export function questionSignature(question: string): string {
  const words: string[] = [];
  const text = question.normalize('NFKC').replace(/['’]s\b/gu, '');
  for (const match of text.matchAll(/[\p{L}\p{N}]+(?:[_-][\p{L}\p{N}]+)*/gu)) {
    const original = match[0];
    const word = original.toLowerCase();
    // "A" in "plan A" names something; "a" before a word, or opening the question, is an article.
    const isArticle = ARTICLE.has(word) && (original === word || words.length === 0);
    if (PHRASING.has(word) && (!ARTICLE.has(word) || isArticle)) continue;
    words.push(singular(word));
  }
  // A question of phrasing words only ("the?") keeps its own text rather than an empty key.
  return words.length > 0 ? words.join(' ') : normaliseQuestion(question);
}

/** Which models answered: a cached extractive answer must not stand in for a model's, nor the reverse. */
export function modelsLabel(models: ModelTiers): string {
  return `${models.cheap?.name ?? EXTRACTIVE}/${models.strong?.name ?? EXTRACTIVE}`;
}

/**
 * Changes whenever what a cache entry holds changes, so an entry written in an older form (by an
 * earlier version sharing the Redis) is never read as the current one. Format 2: entries are
 * served as stored, their answers already free of mentions and their scores rounded.
 */
const ENTRY_FORMAT = '2';

/** What an answer is cached under, besides its question. */
export interface CacheKeyParts {
  audience: Audience;
  /** `versions[i]` is the knowledge version of `audience.scopes[i]`. */
  versions: readonly string[];
  /** The tenant's answer generation, renewed when an admin flushes the tenant's answers. */
  generation: string;
  models: string;
}

/**
 * The answer cache key: its format, tenant, the tenant's answer generation, scopes, the knowledge
 * version of each scope (so any ingestion in them retires old answers), the models and the
 * standalone question's signature, and the context the question was read with when it needs one
 * (a thread's messages, when they are what it asks). The order of the scopes does not matter.
 */
export function answerCacheKey(parts: CacheKeyParts, question: string, context = ''): string {
  const { audience, versions, generation, models } = parts;
  const scoped = audience.scopes.map((scope, i) => `${scope}=${versions[i]}`).sort();
  const material = [
    ENTRY_FORMAT,
    audience.tenantId,
    generation,
    scoped.join(','),
    models,
    questionSignature(question),
  ];
  if (context) material.push(`context:${hash('sha256', context, 'hex')}`);
  return hash('sha256', material.join('\u0000'), 'hex');
}
