import path from 'node:path';
import type { BaseCheckpointSaver } from '@langchain/langgraph';
import type { Tracer } from '@opentelemetry/api';
import type { Redis } from 'ioredis';
import Keyv from 'keyv';
import { LRUCache } from 'lru-cache';
import { buildAnswerGraph } from '../../graphs/answer/graph.js';
import type { Config } from '../config.js';
import { DailyTokenBudget, type TokenBudget, UNLIMITED_BUDGET } from '../core/daily-token-budget.js';
import { KnowledgeBase, type KnowledgeBaseDeps } from '../core/knowledge-base.js';
import type { AnswerCache } from '../core/ports/answer-cache.js';
import type { CuratedAnswerLookup } from '../core/ports/curated-answers.js';
import type { DedupeStore } from '../core/ports/dedupe-store.js';
import type { DocumentPreparer } from '../core/ports/document-preparer.js';
import type { Embedder } from '../core/ports/embedder.js';
import type { JobQueue } from '../core/ports/job-queue.js';
import type { KnowledgeVersions } from '../core/ports/knowledge-versions.js';
import type { ModelTiers } from '../core/ports/language-model.js';
import type { Throttle } from '../core/ports/throttle.js';
import type { VectorStore } from '../core/ports/vector-store.js';
import type { Reranking } from '../core/rerank-passages.js';
import { LocalEmbedder } from '../ingestion/local-embedder.js';
import { InlinePreparer } from '../ingestion/prepare.js';
import { HttpReranker } from '../llm/http-reranker.js';
import type { Logger } from '../logger.js';
import { KeyvAnswerCache } from '../stores/keyv/keyv-answer-cache.js';
import { KeyvKnowledgeVersions } from '../stores/keyv/keyv-knowledge-versions.js';
import { BottleneckThrottle } from '../stores/local/bottleneck-throttle.js';
import { DataDirLock } from '../stores/local/data-dir-lock.js';
import { JournalJobQueue } from '../stores/local/journal-job-queue.js';
import { BoundedMemorySaver } from '../stores/memory/bounded-memory-saver.js';
import { MemoryDedupeStore } from '../stores/memory/memory-dedupe-store.js';
import { MemoryKnowledgeVersions } from '../stores/memory/memory-knowledge-versions.js';
import { MemoryTokenUsageStore } from '../stores/memory/memory-token-usage-store.js';
import { UnlimitedThrottle } from '../stores/memory/unlimited-throttle.js';
import { RedisDedupeStore } from '../stores/redis/redis-dedupe-store.js';
import { RedisThreadSaver } from '../stores/redis/redis-thread-saver.js';
import { RedisTokenUsageStore } from '../stores/redis/redis-token-usage-store.js';

// Factories for the composition root: each picks the embedded default or the shared backend.

const MEMORY_CACHE_ENTRIES = 10_000;
// One per tenant and scope (channel, DM): far fewer than answers, and never to be pushed out by them.
const MEMORY_VERSION_ENTRIES = 100_000;

export function errorSummary(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Warns once per backend: a dead Redis would otherwise log on every question. */
function warnOnce(logger: Logger, message: string) {
  let warned = false;
  return (error: unknown) => {
    if (!warned) logger.warn({ err: errorSummary(error) }, message);
    warned = true;
  };
}

export async function createEmbedder(config: Config): Promise<Embedder> {
  if (config.embeddings.kind === 'local' || !config.openai) return new LocalEmbedder();
  // Loaded only when configured: the OpenAI client adds noticeably to every command's start-up.
  const { OpenAIEmbedder } = await import('../ingestion/openai-embedder.js');
  const { model, dimensions } = config.embeddings;
  const embedder = new OpenAIEmbedder({ ...config.openai, model, dimensions });
  // Measured now, so the knowledge base is bound to the size the endpoint really serves.
  await embedder.measureDimension();
  return embedder;
}

/** One ioredis connection for dedupe, thread memory and readiness; fails fast while disconnected. */
export async function createRedis(config: Config, logger: Logger): Promise<Redis | undefined> {
  if (!config.redisUrl) return undefined;
  const { Redis } = await import('ioredis');
  const redis = new Redis(config.redisUrl, {
    // Queueing commands while disconnected would make a turn wait for Redis to return.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 1000,
    lazyConnect: true,
  });
  const warn = warnOnce(logger, 'Redis unavailable; using this instance’s memory until it returns');
  redis.on('error', warn);
  redis.connect().catch(warn);
  return redis;
}

/** Shared limits with Redis (local ones while it is away), this instance's own without it, or none. */
export async function createThrottle(
  config: Config,
  logger: Logger,
): Promise<{ throttle: Throttle; close(): Promise<void> }> {
  const nothingToClose = async () => {};
  if (!config.limits) return { throttle: new UnlimitedThrottle(), close: nothingToClose };
  if (!config.redisUrl) return { throttle: new BottleneckThrottle(config.limits), close: nothingToClose };
  const { ClusteredThrottle } = await import('../stores/redis/clustered-throttle.js');
  const throttle = new ClusteredThrottle({
    limits: config.limits,
    redisUrl: config.redisUrl,
    redisTimeoutMs: config.limits.redisTimeoutMs,
    logger,
  });
  return { throttle, close: () => throttle.close() };
}

export function createDedupeStore(redis: Redis | undefined): DedupeStore {
  const local = new MemoryDedupeStore();
  return redis ? new RedisDedupeStore(redis, local) : local;
}

export function createThreadSaver(
  config: Config,
  redis: Redis | undefined,
  logger: Logger,
): BaseCheckpointSaver {
  if (!redis) return new BoundedMemorySaver(config.threads.maxThreads);
  return new RedisThreadSaver(redis, config.threads.maxThreads, {
    ttlSeconds: config.threads.ttlSeconds,
    timeoutMs: Math.max(config.cache.timeoutMs, 200),
    onError: warnOnce(logger, 'shared thread memory unavailable; using this instance’s memory'),
  });
}

/** A keyv in a namespace of its own on the configured Redis. */
async function keyvOnRedis(redisUrl: string, namespace: string, onError: (error: unknown) => void) {
  const { default: KeyvRedis } = await import('@keyv/redis');
  return new Keyv({
    store: new KeyvRedis(redisUrl, { throwOnConnectError: false, connectionTimeout: 1000 }),
    namespace,
    useKeyPrefix: false,
  }).on('error', onError);
}

/** Cached answers: on Redis for every instance when configured, else the newest ones in memory. */
export async function createAnswerCache(config: Config, logger: Logger): Promise<AnswerCache> {
  const onError = warnOnce(logger, 'answer cache unavailable; answering without it');
  const ttlMs = config.cache.ttlSeconds * 1000;
  if (!config.redisUrl)
    return new KeyvAnswerCache(
      new Keyv({ store: new LRUCache<string, object>({ max: MEMORY_CACHE_ENTRIES }) }).on('error', onError),
      { ttlMs, onError },
    );
  const keyv = await keyvOnRedis(config.redisUrl, 'docent', onError);
  return new KeyvAnswerCache(keyv, { ttlMs, timeoutMs: config.cache.timeoutMs, onError });
}

/**
 * Knowledge versions: on Redis, in a namespace that flushing the answers leaves alone, so another
 * process's ingestion or removal retires this one's answers too; else in this process's memory.
 */
export async function createKnowledgeVersions(config: Config, logger: Logger): Promise<KnowledgeVersions> {
  if (!config.redisUrl) return new MemoryKnowledgeVersions(MEMORY_VERSION_ENTRIES);
  const onError = warnOnce(logger, 'shared knowledge versions unavailable; answering without them');
  const keyv = await keyvOnRedis(config.redisUrl, 'docent-versions', onError);
  return new KeyvKnowledgeVersions(keyv, { timeoutMs: config.cache.timeoutMs, onError });
}

/** Whether this process owns DATA_DIR: claimed once, when first needed, and released on close. */
export interface DataDirClaim {
  /** Throws DataDirBusyError, naming the owner, when another live process holds the directory. */
  claim(): Promise<void>;
  release(): Promise<void>;
}

/**
 * Without Redis the journal and the cached answers live in one process, so one process owns the
 * data directory. With Redis, jobs and knowledge versions are shared and instances share it.
 */
export function createDataDirClaim(config: Config, command: string): DataDirClaim {
  if (config.redisUrl) return { claim: async () => {}, release: async () => {} };
  let lock: Promise<DataDirLock> | undefined;
  return {
    async claim() {
      lock ??= DataDirLock.acquire(config.dataDir, command).catch((error) => {
        lock = undefined;
        throw error;
      });
      await lock;
    },
    async release() {
      const held = lock;
      lock = undefined;
      await (await held?.catch(() => undefined))?.release();
    },
  };
}

/** The durable ingestion queue: BullMQ on Redis when configured, else a journal under DATA_DIR. */
export async function createJobQueue(config: Config, logger: Logger): Promise<JobQueue> {
  if (config.redisUrl) {
    const { BullJobQueue } = await import('../stores/redis/bullmq-job-queue.js');
    return new BullJobQueue({
      ...config.jobs,
      redisUrl: config.redisUrl,
      onConnectionError: (error) =>
        logger.warn({ err: errorSummary(error) }, 'ingestion queue cannot reach Redis'),
    });
  }
  return JournalJobQueue.open(path.join(config.dataDir, 'jobs'), config.jobs);
}

/** The daily token budget: counted in Redis when there is one, so every instance enforces the same. */
export function createTokenBudget(
  config: Config,
  redis: Redis | undefined,
  logger: Logger,
  now?: () => Date,
): TokenBudget {
  if (!config.budget) return UNLIMITED_BUDGET;
  const local = new MemoryTokenUsageStore();
  const store = redis
    ? new RedisTokenUsageStore(redis, local, {
        timeoutMs: config.cache.timeoutMs,
        onError: warnOnce(logger, 'shared token budget unavailable; counting this instance’s tokens only'),
      })
    : local;
  return new DailyTokenBudget(store, config.budget.tokensPerDay, now);
}

/**
 * The reranker RERANK_URL names, if any. Each search it fails keeps the fused order and logs why:
 * not once only, as a reranker that times out now and then is worth seeing in the logs.
 */
export function createReranking(config: Config, logger: Logger): Reranking | undefined {
  if (!config.rerank) return undefined;
  const { candidates, ...endpoint } = config.rerank;
  return {
    reranker: new HttpReranker(endpoint),
    candidates,
    onError: (error) =>
      logger.warn({ err: errorSummary(error) }, 'reranker failed; answering from the fused order'),
  };
}

export function createKnowledgeBase(
  config: Config,
  store: VectorStore,
  embedder: Embedder,
  onChange?: KnowledgeBaseDeps['onChange'],
  preparer: DocumentPreparer = new InlinePreparer(config.chunking, embedder, config.ocr),
  reranking?: Reranking,
): KnowledgeBase {
  return new KnowledgeBase({
    store,
    embedder,
    preparer,
    maxFileBytes: config.maxFileBytes,
    topK: config.topK,
    onChange,
    reranking,
  });
}

/** The answer graph with its budget and thread memory. */
export function composeAnswerGraph(
  config: Config,
  parts: {
    knowledgeBase: KnowledgeBase;
    models: ModelTiers;
    cache: AnswerCache;
    versions: KnowledgeVersions;
    curated?: CuratedAnswerLookup;
    redis: Redis | undefined;
    logger: Logger;
    now?: () => Date;
    tracer?: Tracer;
  },
) {
  const { knowledgeBase, models, cache, versions, curated, redis, logger, tracer } = parts;
  return buildAnswerGraph(
    {
      knowledgeBase,
      models,
      cache,
      versions,
      curated,
      budget: createTokenBudget(config, redis, logger, parts.now),
      prices: config.llm.prices,
      historyTurns: config.threads.historyTurns,
      onModelError: (model, error) => logger.warn({ model, err: errorSummary(error) }, 'model call failed'),
      tracer,
    },
    createThreadSaver(config, redis, logger),
  );
}
