import type { DuckDBConnection, DuckDBInstance, DuckDBValue } from '@duckdb/node-api';
import type { SqlClient, SqlRow } from './sql-client.js';

// The history's reports scan a few columns of at most a year of answers: a small cache is enough,
// and it keeps the service under its memory ceiling.
const MEMORY_LIMIT = '64MB';

/** An embedded DuckDB database: a file in DATA_DIR, or in memory when `path` is `:memory:`. */
export class DuckDbClient implements SqlClient {
  readonly dialect = 'duckdb';
  // One connection runs one statement at a time; the chain keeps callers from overlapping.
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  static async open(path: string): Promise<DuckDbClient> {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const instance = await DuckDBInstance.create(path, { memory_limit: MEMORY_LIMIT, threads: '1' });
    return new DuckDbClient(instance, await instance.connect());
  }

  query(sql: string, params: readonly unknown[] = []): Promise<SqlRow[]> {
    const run = this.queue.then(async () => {
      const reader = await this.connection.runAndReadAll(sql, params as DuckDBValue[]);
      return reader.getRowObjectsJS() as SqlRow[];
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    await this.queue;
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
