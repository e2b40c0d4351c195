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
