// The answer thread: runs the answer graph (model calls, retrieval, LangChain's bookkeeping) off
// the main thread, so acknowledging Slack and serving cached answers never waits behind it.
import { parentPort, workerData } from 'node:worker_threads';
import type { AnswerGraphInput, AnswerGraphOptions } from '../../graphs/answer/graph.js';
import { composeAnswerGraph, createEmbedder, createKnowledgeBase, createRedis } from '../backends.js';
import type { Config } from '../config.js';
import { createOpenAIModels } from '../llm/openai-models.js';
import { createLogger } from '../logger.js';
import { LanceVectorStore } from '../stores/lance-vector-store.js';
import { lowerThreadPriority } from '../threads/lower-priority.js';
import { rpcLink } from '../threads/rpc.js';
import { LinkedAnswerCache } from './linked-answer-cache.js';

if (!parentPort) throw new Error('the answer thread runs as a worker thread');
const { config } = workerData as { config: Config };
const logger = createLogger(config.logLevel).child({ thread: 'answer' });

lowerThreadPriority();

async function build() {
  const embedder = await createEmbedder(config);
  // The main thread opened the store and bound its embedder; this connection searches (building a
  // missing text index, as any first search does) and never ingests.
  const store = await LanceVectorStore.open(config.lancedbUri);
  await store.bindEmbedder(embedder);
  const redis = await createRedis(config, logger);
  const knowledgeBase = createKnowledgeBase(config, store, embedder);
  const graph = composeAnswerGraph(config, {
    knowledgeBase,
    models: createOpenAIModels(config),
    cache,
    redis,
    logger,
  });
  void store.warm().catch((error) => logger.warn({ err: error }, 'loading the indexes failed'));
  return { graph, store, redis };
}

const link = rpcLink(parentPort, {
  ready: async () => {
    await built;
  },
  invoke: async (input: AnswerGraphInput, options: AnswerGraphOptions) =>
    (await built).graph.invoke(input, options),
  /** The main thread changed a tenant's passages: the next search here reads them. */
  refresh: async (tenantId: string) => (await built).store.refresh(tenantId),
  reloadIndexes: async () => {
    const { store } = await built;
    store.refresh();
    await store.warm();
  },
  close: async () => {
    const { store, redis } = await built;
    await redis?.quit().catch(() => redis.disconnect());
    await store.close();
  },
});
const cache = new LinkedAnswerCache(link);
const built = build();
built.catch((error) => {
  logger.error({ err: error }, 'answer thread failed to start');
  process.exit(1);
});
