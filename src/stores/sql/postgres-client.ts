import type { Pool } from 'pg';
import type { SqlClient, SqlRow } from './sql-client.js';

/** PostgreSQL through a small pool: the history several instances share (DATABASE_URL). */
export class PostgresClient implements SqlClient {
  readonly dialect = 'postgres';

  private constructor(private readonly pool: Pool) {}

  static async open(url: string, onError: (error: Error) => void): Promise<PostgresClient> {
    const { default: pg } = await import('pg');
    const pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 5_000 });
    // An idle connection dropped by the server must not take the process with it.
    pool.on('error', onError);
    return new PostgresClient(pool);
  }

  async query(sql: string, params: readonly unknown[] = []): Promise<SqlRow[]> {
    const result = await this.pool.query(sql, params as unknown[]);
    return result.rows as SqlRow[];
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
