import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import type { Tracer } from '@opentelemetry/api';
import type { Redis } from 'ioredis';
import { GraphAnswerer } from '../../graphs/answer/answerer.js';
import { tracedAnswerCache, tracedModels } from '../../graphs/answer/traced-ports.js';
import type { Config } from '../config.js';
import type { Answerer } from '../core/ask.js';
import type { AutoAnswerSettings } from '../core/auto-answer.js';
import type { CuratedAnswerBook } from '../core/curated-answers.js';
import { createMessageHandler, type MessageHandler, type MessageObserver } from '../core/handle-message.js';
import { IngestJobs } from '../core/ingest-jobs.js';
import type { KnowledgeBase } from '../core/knowledge-base.js';
import type { AnswerCache } from '../core/ports/answer-cache.js';
import type { Embedder } from '../core/ports/embedder.js';
import type { HistoryStore } from '../core/ports/history-store.js';
import type { KnowledgeVersions } from '../core/ports/knowledge-versions.js';
import type { ModelTiers } from '../core/ports/language-model.js';
import type { TraceStore } from '../core/ports/trace-store.js';
import type { VectorStore } from '../core/ports/vector-store.js';
import type { Sources } from '../core/sources.js';
import { ThreadPreparer } from '../ingestion/thread-preparer.js';
import { createOpenAIModels } from '../llm/openai-models.js';
import { createLogger, type Logger } from '../logger.js';
import { LanceVectorStore } from '../stores/lance/lance-vector-store.js';
import { LazyJobQueue } from '../stores/local/lazy-job-queue.js';
import { RedisWriterLock } from '../stores/redis/redis-writer-lock.js';
import {
  composeAnswerGraph,
  createAnswerCache,
  createDataDirClaim,
  createDedupeStore,
  createEmbedder,
  createJobQueue,
  createKnowledgeBase,
  createKnowledgeVersions,
  createRedis,
  createReranking,
  createThrottle,
  type DataDirClaim,
  errorSummary,
} from './backends.js';
import {
  openAutoAnswerSettings,
  openCuratedAnswers,
  openHistoryStore,
  openOperationalDatabase,
} from './history.js';
import { everyObserver, historyObserver } from './observers.js';
import { createSourceScheduler, openSources } from './sources.js';
import { openTracing } from './tracing.js';

export interface Services {
  config: Config;
  logger: Logger;
  store: VectorStore;
  embedder: Embedder;
  cache: AnswerCache;
  /** Knowledge versions and each tenant's answer generation: renewing it flushes one tenant's answers. */
  versions: KnowledgeVersions;
  /** Answered questions and votes, kept across restarts: the admin's usage and coverage figures. */
  history: HistoryStore;
  /** How each answer was made (GET /admin/traces/:id), kept as long as the history. */
  traces: TraceStore;
  /** Admins' answers, served before the cache and the models; each write retires cached answers. */
  curated: CuratedAnswerBook;
  /** Channels answered without a mention: configured for all, and set per tenant by admins. */
  autoAnswer: AutoAnswerSettings;
  knowledgeBase: KnowledgeBase;
  /** Sites and wikis the tenants' documents are read from on a schedule. */
  sources: Sources;
  /** Runs the sources' syncs on their schedule until close() (`docent serve`). */
  scheduleSources(): Promise<void>;
  /** Shared files as durable jobs; platforms register how to fetch their files. */
  jobs: IngestJobs;
  answerer: Answerer;
  handleMessage: MessageHandler;
  /** Named readiness checks; each throws with the reason when its part is not ready. */
  readiness: Record<string, () => Promise<void>>;
  /** Takes DATA_DIR for this process before it writes there (see createDataDirClaim). */
  claimDataDir(): Promise<void>;
  /** Index upkeep (`docent serve` runs it at start and every few minutes); whoever searches loads the new indexes. */
  maintain(): Promise<void>;
  close(): Promise<void>;
}

export interface ServiceOverrides {
  models?: ModelTiers;
  /** Extra observers of every message (the HTTP server adds its metrics). */
  observers?: MessageObserver[];
  /** The clock the daily token budget reads, so a test can cross midnight UTC without waiting. */
  now?: () => Date;
  /** The docent command this process runs, named to another process it keeps out of DATA_DIR. */
  command?: string;
  /** Claims DATA_DIR before anything is opened: `docent serve` and the commands that write. */
  claimDataDir?: boolean;
}

/** The composition root: the only place that names concrete classes. */
export async function createServices(config: Config, overrides: ServiceOverrides = {}): Promise<Services> {
  const logger = createLogger(config.logLevel);
  const dataDir = createDataDirClaim(config, overrides.command ?? 'process');
  if (overrides.claimDataDir) await dataDir.claim();
  const embedder = await createEmbedder(config);
  const { redis, cache, versions } = await openSharedState(config, logger);
  const store = await openVectorStore(config, logger, embedder, redis);
  // The service (or Docent embedded in another program) keeps its records in DATA_DIR; the other
  // commands (`docent ask`, `docent docs …`) keep them in memory, opened only if used.
  const isService = overrides.command === undefined || overrides.command === 'serve';
  // `docent source …` changes what the service reads at its next start: it writes the real database.
  const managesSources = overrides.command?.startsWith('source') === true;
  const operational = await openOperationalDatabase(
    config,
    logger,
    isService || managesSources,
    managesSources,
  );
  const history = await openHistoryStore(config, logger, operational, isService);
  const curated = await openCuratedAnswers(config, logger, operational, versions, isService);
  const autoAnswer = await openAutoAnswerSettings(config, logger, operational, isService);
  const { traces, tracing } = await openTracing(config, logger, operational, isService);
  const limits = await createThrottle(config, logger);
  // On the calling thread when there are no ingestion threads (createKnowledgeBase's default).
  const preparer =
    config.ingestThreads > 0
      ? new ThreadPreparer(config.chunking, embedder, config.ingestThreads, config.ocr)
      : undefined;
  const knowledgeBase = createKnowledgeBase(
    config,
    store,
    embedder,
    (tenantId, scope) => versions.bump(tenantId, scope),
    preparer,
    createReranking(config, logger),
  );
  const sources = await openSources(config, operational, knowledgeBase, isService);
  const jobs = createIngestJobs(config, logger, dataDir, knowledgeBase);
  const parts = { knowledgeBase, cache, versions, curated, redis, tracer: tracing.tracer };
  const answerer = createAnswerer(config, logger, parts, overrides);
  const handleMessage = createMessageHandler({
    answerer,
    jobs,
    dedupe: createDedupeStore(redis),
    throttle: limits.throttle,
    ingestsFrom: (message) => ingestsFrom(config, message.channelId),
    observer: everyObserver([historyObserver(history), ...(overrides.observers ?? [])]),
  });
  return {
    config,
    logger,
    store,
    embedder,
    cache,
    versions,
    history,
    traces,
    curated,
    autoAnswer,
    knowledgeBase,
    sources,
    scheduleSources: async () => sources.startSchedule(await createSourceScheduler(config, logger)),
    jobs,
    answerer,
    handleMessage,
    readiness: readinessChecks(store, redis),
    claimDataDir: () => dataDir.claim(),
    async maintain() {
      await knowledgeBase.maintain();
      await history.prune();
      await traces.prune();
    },
    async close() {
      await sources.close();
      await jobs.close();
      await preparer?.close();
      await cache.close();
      await history.close();
      await tracing.close();
      await traces.close();
      await operational.close();
      await versions.close();
      await limits.close();
      await redis?.quit().catch(() => redis.disconnect());
      await store.close();
      await dataDir.release();
    },
  };
}

/** The answer graph, with its budget and thread memory, behind the answerer port. */
function createAnswerer(
  config: Config,
  logger: Logger,
  parts: Pick<
    Parameters<typeof composeAnswerGraph>[1],
    'knowledgeBase' | 'cache' | 'versions' | 'curated' | 'redis'
  > & { tracer: Tracer },
  overrides: ServiceOverrides,
): Answerer {
  const { tracer } = parts;
  // Model calls and cache writes say on their spans what they cost and decided.
  const models = tracedModels(overrides.models ?? createOpenAIModels(config), tracer, config.llm.prices);
  const cache = tracedAnswerCache(parts.cache);
  const graph = composeAnswerGraph(config, { ...parts, cache, models, logger, now: overrides.now });
  return new GraphAnswerer({
    graph,
    cache,
    versions: parts.versions,
    curated: parts.curated,
    models,
    tracer,
    deadlineMs: config.llm.answerDeadlineMs,
    onError: (error) => logger.error({ err: error }, 'answer graph failed'),
  });
}

/** Whether files shared in this channel are ingested: INGEST_CHANNELS is all, none, or a list. */
function ingestsFrom(config: Config, channelId: string): boolean {
  return (
    config.ingestChannels === 'all' ||
    (config.ingestChannels !== 'none' && config.ingestChannels.includes(channelId))
  );
}

/** What instances share when Redis is configured (each falls back to this process's memory). */
async function openSharedState(config: Config, logger: Logger) {
  return {
    redis: await createRedis(config, logger),
    cache: await createAnswerCache(config, logger),
    versions: await createKnowledgeVersions(config, logger),
  };
}

async function openVectorStore(
  config: Config,
  logger: Logger,
  embedder: Embedder,
  redis?: Redis,
): Promise<VectorStore> {
  if (!config.lancedbUri.includes('://')) await mkdir(config.lancedbUri, { recursive: true });
  const lock =
    redis &&
    new RedisWriterLock(redis, writerLockKey(config), () =>
      logger.warn('Redis unavailable; this instance writes to LanceDB without taking turns with the others'),
    );
  const store = await LanceVectorStore.open(config.lancedbUri, {
    storageOptions: config.lancedbStorageOptions,
    exclusive: lock && ((task) => lock.run(task)),
  });
  await store.bindEmbedder(embedder);
  return store;
}

/** One key per LanceDB database: instances writing to the same one take turns. */
function writerLockKey(config: Config): string {
  const database = createHash('sha256').update(config.lancedbUri).digest('hex').slice(0, 16);
  return `${config.jobs.prefix}:lancedb-writer:${database}`;
}

function createIngestJobs(
  config: Config,
  logger: Logger,
  dataDir: DataDirClaim,
  knowledgeBase: KnowledgeBase,
): IngestJobs {
  // Opened by the first shared file or by the worker's start: a command that only reads leaves it be.
  const queue = new LazyJobQueue(async () => {
    await dataDir.claim();
    return createJobQueue(config, logger);
  });
  return new IngestJobs(queue, knowledgeBase, (job, error) =>
    logger.warn({ job: job.id, file: job.file.name, err: errorSummary(error) }, 'ingestion job failed'),
  );
}

function readinessChecks(store: VectorStore, redis: Redis | undefined): Services['readiness'] {
  const readiness: Services['readiness'] = { lancedb: () => store.healthCheck() };
  if (redis) {
    readiness.redis = async () => {
      await redis.ping();
    };
  }
  return readiness;
}
