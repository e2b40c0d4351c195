import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config.js';
import type { HistoryStore } from '../core/ports/history-store.js';
import type { Logger } from '../logger.js';
import { DuckDbClient } from '../stores/sql/duckdb-client.js';
import { PostgresClient } from '../stores/sql/postgres-client.js';
import { SqlHistoryStore } from '../stores/sql/sql-history-store.js';
import { errorSummary } from './backends.js';

export const HISTORY_FILE = 'history.duckdb';

/**
 * PostgreSQL when DATABASE_URL is set (shared by every instance); otherwise a DuckDB file in
 * DATA_DIR for the process that owns it (`docent serve`), and memory for the others (`docent
 * ask`, `docent chat`), which must not hold the file the service writes.
 */
export async function openHistoryStore(
  config: Config,
  logger: Logger,
  ownsDataDir: boolean,
): Promise<HistoryStore> {
  const onError = (error: unknown) => logger.warn({ err: errorSummary(error) }, 'history write failed');
  const options = { retentionDays: config.history.retentionDays, keepText: config.history.keepText, onError };
  if (config.history.databaseUrl) {
    const client = await PostgresClient.open(config.history.databaseUrl, onError);
    return SqlHistoryStore.open(client, options).catch(async (error) => {
      await client.close();
      throw new Error(`DATABASE_URL: the history database could not be opened (${errorSummary(error)})`);
    });
  }
  if (!ownsDataDir) return SqlHistoryStore.open(await DuckDbClient.open(':memory:'), options);
  await mkdir(config.dataDir, { recursive: true });
  try {
    return await SqlHistoryStore.open(
      await DuckDbClient.open(path.join(config.dataDir, HISTORY_FILE)),
      options,
    );
  } catch (error) {
    // Instances sharing DATA_DIR through Redis: the first holds the file.
    logger.warn(
      { err: errorSummary(error) },
      'history kept in memory by this instance: set DATABASE_URL to share it between instances',
    );
    return SqlHistoryStore.open(await DuckDbClient.open(':memory:'), options);
  }
}
