import type { DuckDBConnection, DuckDBInstance, DuckDBValue } from '@duckdb/node-api';
import type { SqlClient, SqlRow } from './sql-client.js';

// The history's reports scan a few columns of at most a year of answers: a small cache is enough,
// and it keeps the service under its memory ceiling.
const MEMORY_LIMIT = '64MB';

type Connected = { instance: DuckDBInstance; connection: DuckDBConnection };

/** An embedded DuckDB database: a file in DATA_DIR, or in memory when `path` is `:memory:`. */
export class DuckDbClient implements SqlClient {
  readonly dialect = 'duckdb';
  // One connection runs one statement at a time; the chain keeps callers from overlapping.
  private queue: Promise<unknown> = Promise.resolve();
  private connected?: Promise<Connected>;

  private constructor(private readonly path: string) {}

  /** Opened now: a file another process holds fails here, not on the first query. */
  static async open(path: string): Promise<DuckDbClient> {
    const client = new DuckDbClient(path);
    await client.connect();
    return client;
  }

  /**
   * Opened on the first query: loading DuckDB takes most of a second, which a command that never
   * records an answer (`docent docs list`) should not pay.
   */
  static onDemand(path: string): DuckDbClient {
    return new DuckDbClient(path);
  }

  query(sql: string, params: readonly unknown[] = []): Promise<SqlRow[]> {
    const run = this.queue.then(async () => {
      const { connection } = await this.connect();
      const reader = await connection.runAndReadAll(sql, params as DuckDBValue[]);
      return reader.getRowObjectsJS() as SqlRow[];
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    if (!this.connected) return;
    await this.queue;
    const { instance, connection } = await this.connected;
    connection.closeSync();
    instance.closeSync();
  }

  private connect(): Promise<Connected> {
    this.connected ??= (async () => {
      const { DuckDBInstance } = await import('@duckdb/node-api');
      const instance = await DuckDBInstance.create(this.path, { memory_limit: MEMORY_LIMIT, threads: '1' });
      return { instance, connection: await instance.connect() };
    })();
    return this.connected;
  }
}
