export type SqlRow = Record<string, unknown>;

/**
 * The little of a SQL database the history needs. DuckDB (embedded, in DATA_DIR) and PostgreSQL
 * (shared by several instances) both speak this dialect: `$1` parameters, `filter (where …)`,
 * `percentile_cont … within group`, `on conflict`.
 */
export interface SqlClient {
  readonly dialect: 'duckdb' | 'postgres';
  query(sql: string, params?: readonly unknown[]): Promise<SqlRow[]>;
  close(): Promise<void>;
}

/** One statement for the rows: all of them are stored, or none. */
export async function insertRows(
  sql: SqlClient,
  table: string,
  columns: readonly string[],
  rows: unknown[][],
): Promise<void> {
  if (rows.length === 0) return;
  const width = columns.length;
  const tuples = rows.map((_, r) => `(${columns.map((__, c) => `$${r * width + c + 1}`).join(', ')})`);
  await sql.query(`insert into ${table} (${columns.join(', ')}) values ${tuples.join(', ')}`, rows.flat());
}

/**
 * What a store prepares once (its tables, say), on first use: every caller shares one attempt,
 * and one that failed (a database that was away) is made again by the next caller.
 */
export function onFirstUse<T>(prepare: () => Promise<T>): () => Promise<T> {
  let prepared: Promise<T> | undefined;
  return () => {
    prepared ??= prepare().catch((error: unknown) => {
      prepared = undefined;
      throw error;
    });
    return prepared;
  };
}

/**
 * A store's `create … if not exists` work. Instances starting together race to create the same
 * tables, and PostgreSQL's `if not exists` does not stop the loser failing on its catalogue: it
 * tries again, a little later, once the winner is done.
 */
export async function createRacing(create: () => Promise<void>, attempts: number): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await create();
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt + Math.random() * 50));
    }
  }
}
