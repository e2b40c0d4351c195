import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { questionSignature } from '../../graphs/answer/cache-key.js';
import type { Config } from '../config.js';
import { AutoAnswerSettings } from '../core/auto-answer.js';
import { CuratedAnswerBook } from '../core/curated-answers.js';
import type { HistoryStore } from '../core/ports/history-store.js';
import type { KnowledgeVersions } from '../core/ports/knowledge-versions.js';
import type { Logger } from '../logger.js';
import { DuckDbClient } from '../stores/sql/duckdb-client.js';
import { PostgresClient } from '../stores/sql/postgres-client.js';
import { SqlAutoAnswerChannels } from '../stores/sql/sql-auto-answer-channels.js';
import type { SqlClient } from '../stores/sql/sql-client.js';
import { SqlCuratedAnswers } from '../stores/sql/sql-curated-answers.js';
import { SqlHistoryStore } from '../stores/sql/sql-history-store.js';
import { errorSummary } from './backends.js';

export const HISTORY_FILE = 'history.duckdb';

/**
 * The database for operational records (the question history and what else outlives a restart):
 * PostgreSQL when DATABASE_URL is set (shared by every instance); otherwise a DuckDB file in
 * DATA_DIR for the process that owns it (`docent serve`), and memory for the others (`docent
 * ask`, `docent chat`), which must not hold the file the service writes.
 */
export async function openOperationalDatabase(
  config: Config,
  logger: Logger,
  isService: boolean,
  /** Fail rather than keep records in memory when the file is held elsewhere. */
  required = false,
): Promise<SqlClient> {
  if (config.history.databaseUrl) {
    const onError = (error: unknown) =>
      logger.warn({ err: errorSummary(error) }, 'PostgreSQL connection lost');
    return PostgresClient.open(config.history.databaseUrl, onError);
  }
  if (!isService) return DuckDbClient.onDemand(':memory:');
  await mkdir(config.dataDir, { recursive: true });
  try {
    return await DuckDbClient.open(path.join(config.dataDir, HISTORY_FILE));
  } catch (error) {
    if (required)
      throw new Error(
        `${HISTORY_FILE} in DATA_DIR is held by another process (docent serve?): manage sources through /admin/sources, or set DATABASE_URL`,
      );
    // Instances sharing DATA_DIR through Redis: the first holds the file.
    logger.warn(
      { err: errorSummary(error) },
      'history kept in memory by this instance: set DATABASE_URL to share it between instances',
    );
    return DuckDbClient.open(':memory:');
  }
}

/** The service's history is ready before it starts; another command's, when first used. */
export async function openHistoryStore(
  config: Config,
  logger: Logger,
  sql: SqlClient,
  isService: boolean,
): Promise<HistoryStore> {
  const onError = (error: unknown) => logger.warn({ err: errorSummary(error) }, 'history write failed');
  const options = { retentionDays: config.history.retentionDays, keepText: config.history.keepText, onError };
  if (!isService) return SqlHistoryStore.onDemand(sql, options);
  try {
    return await SqlHistoryStore.open(sql, options);
  } catch (error) {
    await sql.close();
    throw new Error(`the history database could not be opened (${errorSummary(error)})`);
  }
}

/** Admins' answers on the operational database, matched by the answer graph's question signature. */
export async function openCuratedAnswers(
  config: Config,
  logger: Logger,
  sql: SqlClient,
  versions: KnowledgeVersions,
  isService: boolean,
): Promise<CuratedAnswerBook> {
  const options = { signature: questionSignature };
  const store = isService
    ? await SqlCuratedAnswers.open(sql, options)
    : SqlCuratedAnswers.onDemand(sql, options);
  return new CuratedAnswerBook(store, versions, {
    signature: questionSignature,
    // As long as the answer cache may take: a database that is away costs a question no more.
    lookupTimeoutMs: Math.max(config.cache.timeoutMs, 200),
    onError: (error) =>
      logger.warn({ err: errorSummary(error) }, 'curated answers not read: answered without them'),
  });
}

/** Auto-answer channels: AUTO_ANSWER_CHANNELS for every tenant, and each tenant's own on the operational database. */
export async function openAutoAnswerSettings(
  config: Config,
  logger: Logger,
  sql: SqlClient,
  isService: boolean,
): Promise<AutoAnswerSettings> {
  const store = isService ? await SqlAutoAnswerChannels.open(sql) : SqlAutoAnswerChannels.onDemand(sql);
  return new AutoAnswerSettings(store, {
    everywhere: config.autoAnswer.channels,
    uncovered: config.autoAnswer.uncovered,
    lookupTimeoutMs: Math.max(config.cache.timeoutMs, 200),
    onError: (error) =>
      logger.warn({ err: errorSummary(error) }, 'auto-answer channels not read: message left alone'),
  });
}
