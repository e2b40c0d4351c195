import { mkdir } from 'node:fs/promises';
import type { BaseCheckpointSaver } from '@langchain/langgraph';
import Keyv from 'keyv';
import { GraphAnswerer } from '../graphs/answer/answerer.js';
import { buildAnswerGraph } from '../graphs/answer/graph.js';
import type { Config } from './config.js';
import type { Answerer } from './core/ask.js';
import { createMessageHandler, type MessageHandler } from './core/handle-message.js';
import { KnowledgeBase } from './core/knowledge-base.js';
import type { Embedder } from './ingestion/embedder.js';
import { LocalEmbedder } from './ingestion/local-embedder.js';
import type { ModelTiers } from './llm/chat-models.js';
import { createOpenAIModels } from './llm/openai-models.js';
import { createLogger, type Logger } from './logger.js';
import type { AnswerCache } from './stores/answer-cache.js';
import { BoundedMemorySaver } from './stores/bounded-memory-saver.js';
import { type DedupeStore, MemoryDedupeStore } from './stores/dedupe-store.js';
import { BoundedMap, KeyvAnswerCache } from './stores/keyv-answer-cache.js';
import { LanceVectorStore } from './stores/lance-vector-store.js';
import { RedisDedupeStore } from './stores/redis-dedupe-store.js';
import { RedisThreadSaver } from './stores/redis-thread-saver.js';
import { UnlimitedThrottle } from './stores/throttle.js';
import type { VectorStore } from './stores/vector-store.js';

export interface Services {
  config: Config;
  logger: Logger;
  store: VectorStore;
  embedder: Embedder;
  cache: AnswerCache;
  knowledgeBase: KnowledgeBase;
  answerer: Answerer;
  handleMessage: MessageHandler;
  close(): Promise<void>;
}

const MEMORY_CACHE_ENTRIES = 10_000;

/** The composition root: the only place that names concrete classes. */
export async function createServices(
  config: Config,
  overrides: { models?: ModelTiers } = {},
): Promise<Services> {
  const logger = createLogger(config.logLevel);
  const closers: (() => Promise<unknown>)[] = [];
  const embedder = await createEmbedder(config);
  if (!config.lancedbUri.includes('://')) await mkdir(config.lancedbUri, { recursive: true });
  const store = await LanceVectorStore.open(config.lancedbUri);
  await store.bindEmbedder(embedder);
  const cache = await createAnswerCache(config, logger);
  const knowledgeBase = new KnowledgeBase({
    store,
    embedder,
    chunking: config.chunking,
    maxFileBytes: config.maxFileBytes,
    topK: config.topK,
    onChange: (tenantId, scope) => cache.bumpKnowledgeVersion(tenantId, scope),
  });
  const graph = buildAnswerGraph(
    {
      knowledgeBase,
      models: overrides.models ?? createOpenAIModels(config),
      cache,
      prices: config.llm.prices,
      historyTurns: config.threads.historyTurns,
      onModelError: (model, error) => logger.warn({ model, err: errorSummary(error) }, 'model call failed'),
    },
    await createThreadSaver(config, logger, closers),
  );
  const answerer = new GraphAnswerer(graph, {
    onError: (error) => logger.error({ err: error }, 'answer graph failed'),
  });
  const handleMessage = createMessageHandler({
    answerer,
    knowledgeBase,
    dedupe: await createDedupeStore(config, closers),
    throttle: new UnlimitedThrottle(),
    ingestsFrom: (message) =>
      config.ingestChannels === 'all' ||
      (config.ingestChannels !== 'none' && config.ingestChannels.includes(message.channelId)),
  });
  return {
    config,
    logger,
    handleMessage,
    store,
    embedder,
    cache,
    knowledgeBase,
    answerer,
    async close() {
      await cache.close();
      for (const close of closers) await close();
      await store.close();
    },
  };
}

async function createEmbedder(config: Config): Promise<Embedder> {
  if (config.embeddings.kind === 'local' || !config.openai) return new LocalEmbedder();
  // Loaded only when configured: the OpenAI client adds noticeably to every command's start-up.
  const { OpenAIEmbedder } = await import('./ingestion/openai-embedder.js');
  const embedder = new OpenAIEmbedder({ ...config.openai, model: config.embeddings.model });
  await embedder.resolveDimension();
  return embedder;
}

async function createDedupeStore(config: Config, closers: (() => Promise<unknown>)[]): Promise<DedupeStore> {
  const local = new MemoryDedupeStore();
  if (!config.redisUrl) return local;
  const { Redis } = await import('ioredis');
  const redis = new Redis(config.redisUrl, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 1000,
    lazyConnect: true,
  });
  redis.on('error', () => {});
  redis.connect().catch(() => {});
  closers.push(() => redis.quit().catch(() => redis.disconnect()));
  return new RedisDedupeStore(redis, local);
}

async function createThreadSaver(
  config: Config,
  logger: Logger,
  closers: (() => Promise<unknown>)[],
): Promise<BaseCheckpointSaver> {
  if (!config.redisUrl) return new BoundedMemorySaver(config.threads.maxThreads);
  const { Redis } = await import('ioredis');
  // Fail fast while disconnected instead of queueing: a turn must not wait for Redis to return.
  const redis = new Redis(config.redisUrl, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 1000,
    lazyConnect: true,
  });
  let warned = false;
  const warnOnce = (error: unknown) => {
    if (!warned)
      logger.warn(
        { err: errorSummary(error) },
        'shared thread memory unavailable; using this instance’s memory',
      );
    warned = true;
  };
  redis.on('error', warnOnce);
  redis.connect().catch(warnOnce);
  closers.push(() => redis.quit().catch(() => redis.disconnect()));
  return new RedisThreadSaver(redis, config.threads.maxThreads, {
    ttlSeconds: config.threads.ttlSeconds,
    timeoutMs: Math.max(config.cache.timeoutMs, 200),
    onError: warnOnce,
  });
}

async function createAnswerCache(config: Config, logger: Logger): Promise<AnswerCache> {
  let keyv: Keyv;
  if (config.redisUrl) {
    const { default: KeyvRedis } = await import('@keyv/redis');
    const store = new KeyvRedis(config.redisUrl, { throwOnConnectError: false, connectionTimeout: 1000 });
    keyv = new Keyv({ store, namespace: 'docent', useKeyPrefix: false });
  } else {
    keyv = new Keyv({ store: new BoundedMap(MEMORY_CACHE_ENTRIES), namespace: 'docent' });
  }
  let warned = false;
  keyv.on('error', (error: unknown) => {
    if (!warned) logger.warn({ err: errorSummary(error) }, 'answer cache unavailable; answering without it');
    warned = true;
  });
  return new KeyvAnswerCache(keyv, {
    ttlMs: config.cache.ttlSeconds * 1000,
    timeoutMs: config.cache.timeoutMs,
    onError: (error) => {
      // Once is enough: a dead Redis would otherwise log on every question.
      if (!warned)
        logger.warn({ err: errorSummary(error) }, 'answer cache unavailable; answering without it');
      warned = true;
    },
  });
}

function errorSummary(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
