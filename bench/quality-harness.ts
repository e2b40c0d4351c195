// What bench/quality.ts measures with: a labelled set loaded into a throwaway data directory
// through the same services `docent ingest` and `docent ask` use, and answerers that search the
// way each configuration under test does.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GraphAnswerer } from '../graphs/answer/answerer.js';
import {
  composeAnswerGraph,
  createAnswerCache,
  createKnowledgeBase,
  createKnowledgeVersions,
  createReranking,
} from '../src/composition/backends.js';
import { createServices, type Services } from '../src/composition/services.js';
import { loadConfig } from '../src/config.js';
import type { Answerer } from '../src/core/ask.js';
import type { KnowledgeBase } from '../src/core/knowledge-base.js';
import type { SearchRequest } from '../src/core/types.js';
import { type EvalCase, parseEvalCases } from '../src/eval/cases.js';
import { ingestFiles } from '../src/ingestion/ingest-files.js';
import { collectFiles } from '../src/ingestion/local-files.js';
import { createOpenAIModels } from '../src/llm/openai-models.js';
import { createLogger } from '../src/logger.js';

export type Retrieval = NonNullable<SearchRequest['mode']>;

export interface QualitySet {
  name: string;
  docs: string;
  questions: string;
}

export const SETS: QualitySet[] = [
  { name: 'northwind', docs: 'samples/northwind', questions: 'test/fixtures/eval/questions.jsonl' },
  ...['nodejs-handbook', 'npm-libraries'].map((name) => ({
    name,
    docs: `bench/quality-sets/${name}/docs`,
    questions: `bench/quality-sets/${name}/questions.jsonl`,
  })),
];

export const TENANT = 'eval';

export interface LoadedSet {
  services: Services;
  cases: EvalCase[];
  indexed: number;
  failed: string[];
  close(): Promise<void>;
}

/**
 * Defaults throughout (TOP_K, CHUNK_SIZE, the local embedder, offline answers) unless `settings`
 * name others: no environment is read, so an OpenAI key in the shell cannot change the result.
 */
export async function loadSet(set: QualitySet, settings: Record<string, string> = {}): Promise<LoadedSet> {
  const dir = await mkdtemp(path.join(tmpdir(), `docent-quality-${set.name}-`));
  const config = loadConfig({ ...settings, DATA_DIR: dir, LOG_LEVEL: 'silent', INGEST_THREADS: '0' });
  const services = await createServices(config);
  const { files } = await collectFiles([path.resolve(set.docs)]);
  const results = await ingestFiles(services.knowledgeBase, files, { tenantId: TENANT, scope: 'tenant' });
  const failed = results.filter((r) => r.status === 'failed').map((r) => `${r.source}: ${r.error?.message}`);
  return {
    services,
    cases: parseEvalCases(await readFile(path.resolve(set.questions), 'utf8')),
    indexed: results.length - failed.length,
    failed,
    async close() {
      await services.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * `ask`'s answerer, put together as the composition root does, over a knowledge base that
 * searches in one mode: the answers BM25 alone or vectors alone would give. Its cache is its own,
 * so no answer found by another retrieval is served.
 */
export async function answererSearching(services: Services, mode: Retrieval): Promise<Answerer> {
  const base = services.knowledgeBase;
  const knowledgeBase: KnowledgeBase = Object.create(base);
  knowledgeBase.search = (question, audience, options) =>
    base.search(question, audience, { ...options, mode });
  return answererOver(services, knowledgeBase);
}

/**
 * RERANK_URL and the other RERANK_* variables of this shell, when RERANK_URL is set: the only
 * settings read from the environment, as a reranker is an endpoint a machine has or has not.
 */
export function rerankSettings(env: NodeJS.ProcessEnv = process.env): Record<string, string> | undefined {
  if (!env.RERANK_URL) return undefined;
  return Object.fromEntries(
    Object.entries(env).filter((e): e is [string, string] => e[0].startsWith('RERANK_') && !!e[1]),
  );
}

/**
 * The set's passages searched as `ask` searches with a reranker: hybrid candidates reordered by
 * the endpoint the settings name. A failing reranker logs a warning, so a figure that merely
 * repeats hybrid's says why.
 */
export async function rerankingSearch(
  services: Services,
  settings: Record<string, string>,
): Promise<{ knowledgeBase: KnowledgeBase; answerer: Answerer }> {
  const reranked = loadConfig({ ...settings, TOP_K: String(services.config.topK) });
  const config = { ...services.config, rerank: reranked.rerank };
  const reranking = createReranking(config, createLogger('warn'));
  const knowledgeBase = createKnowledgeBase(
    config,
    services.store,
    services.embedder,
    undefined,
    undefined,
    reranking,
  );
  return { knowledgeBase, answerer: await answererOver(services, knowledgeBase) };
}

/** `ask`'s answerer over this knowledge base, with a cache of its own. */
async function answererOver(services: Services, knowledgeBase: KnowledgeBase): Promise<Answerer> {
  const { config, logger } = services;
  const cache = await createAnswerCache(config, logger);
  const versions = await createKnowledgeVersions(config, logger);
  const models = createOpenAIModels(config);
  const graph = composeAnswerGraph(config, {
    knowledgeBase,
    models,
    cache,
    versions,
    redis: undefined,
    logger,
  });
  return new GraphAnswerer({ graph, cache, versions, models });
}
