import { createHash } from 'node:crypto';
import type { Audience } from '../../src/core/types.js';
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

/** Which models answered: a cached extractive answer must not stand in for a model's, nor the reverse. */
export function modelsLabel(models: ModelTiers): string {
  return `${models.cheap?.name ?? EXTRACTIVE}/${models.strong?.name ?? EXTRACTIVE}`;
}

/**
 * The answer cache key: tenant, scopes, the knowledge version of each scope (so any ingestion in
 * them retires old answers), the models and the normalised standalone question.
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
    normaliseQuestion(question),
  ];
  return createHash('sha256').update(material.join('\u0000')).digest('hex');
}
