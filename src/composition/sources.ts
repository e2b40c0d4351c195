import type { Config } from '../config.js';
import type { KnowledgeBase } from '../core/knowledge-base.js';
import type { SourceScheduler } from '../core/ports/source-scheduler.js';
import { Sources } from '../core/sources.js';
import type { Logger } from '../logger.js';
import { readSecret } from '../sources/secrets.js';
import { IntervalSourceScheduler } from '../stores/local/interval-source-scheduler.js';
import type { SqlClient } from '../stores/sql/sql-client.js';
import { SqlSourceStore } from '../stores/sql/sql-source-store.js';
import { errorSummary } from './backends.js';
import { sourceKinds } from './source-kinds.js';

/** Sources on the operational database; the service's is ready before it starts. */
export async function openSources(
  config: Config,
  sql: SqlClient,
  knowledgeBase: KnowledgeBase,
  isService: boolean,
): Promise<Sources> {
  return new Sources({
    store: isService ? await SqlSourceStore.open(sql) : new SqlSourceStore(sql),
    kinds: sourceKinds(config),
    knowledgeBase,
    readSecret: (ref) => readSecret(ref, config.sources.secretsDir),
    secretsDir: config.sources.secretsDir,
    retryBaseMs: config.sources.retryMs,
  });
}

/** Scheduled syncs: once per period across instances with Redis, else in this process. */
export async function createSourceScheduler(config: Config, logger: Logger): Promise<SourceScheduler> {
  const onError = (sourceId: string, error: unknown) =>
    logger.warn({ source: sourceId, err: errorSummary(error) }, 'source sync did not complete');
  if (!config.redisUrl) return new IntervalSourceScheduler({ checkMs: config.sources.checkMs, onError });
  const { BullSourceScheduler } = await import('../stores/redis/bullmq-source-scheduler.js');
  let lastWarnedAt = 0;
  return new BullSourceScheduler({
    redisUrl: config.redisUrl,
    prefix: config.jobs.prefix,
    retryMs: config.sources.retryMs,
    attempts: config.jobs.attempts,
    checkMs: config.sources.checkMs,
    onError: (error) => {
      // Sync failures are logged by the sync; connection trouble at most once a minute.
      if (Date.now() - lastWarnedAt < 60_000) return;
      lastWarnedAt = Date.now();
      logger.warn({ err: errorSummary(error) }, 'source schedules cannot reach Redis');
    },
  });
}
