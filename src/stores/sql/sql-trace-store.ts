import type { TraceRecord, TraceStore, TraceView } from '../../core/ports/trace-store.js';
import { BatchedWrites } from './batched-writes.js';
import { createRacing, insertRows, onFirstUse, type SqlClient } from './sql-client.js';

const DAY_MS = 86_400_000;
// Under load, traces recorded while a write runs go in the next one, this many at most.
const MAX_BATCH = 50;
// While the database is away, traces wait in memory up to this many (a few kilobytes each).
const MAX_PENDING = 2_000;
// Traces gather this long before a write: one statement for a burst of answers, not one each.
const WRITE_DELAY_MS = 100;
const COLUMNS = ['trace_id', 'tenant_id', 'answered_ms', 'body'] as const;

export interface SqlTraceOptions {
  /** Traces older than this many days are dropped by prune(), as the question history is. */
  retentionDays: number;
  onError: (error: unknown) => void;
  now?: () => number;
}

/** Answers' traces in their own table, one row each, the trace as JSON text. */
export class SqlTraceStore implements TraceStore {
  private readonly writes: BatchedWrites<TraceRecord>;
  /** The table, created once. */
  private readonly ready = onFirstUse(() => createTable(this.sql));

  private constructor(
    private readonly sql: SqlClient,
    private readonly options: SqlTraceOptions,
  ) {
    this.writes = new BatchedWrites({
      what: 'trace',
      maxBatch: MAX_BATCH,
      maxPending: MAX_PENDING,
      delayMs: WRITE_DELAY_MS,
      write: (batch) => this.insert(batch),
      onError: options.onError,
    });
  }

  /** Ready now: a database that cannot be reached fails here. */
  static async open(sql: SqlClient, options: SqlTraceOptions): Promise<SqlTraceStore> {
    const store = new SqlTraceStore(sql, options);
    await store.ready();
    return store;
  }

  /** Made ready on first use, for commands that may never record an answer. */
  static onDemand(sql: SqlClient, options: SqlTraceOptions): SqlTraceStore {
    return new SqlTraceStore(sql, options);
  }

  record(trace: TraceRecord): void {
    this.writes.add(trace);
  }

  async find(tenantId: string, traceId: string): Promise<TraceView | undefined> {
    await this.written();
    await this.ready();
    const [row] = await this.sql.query(
      'select body from docent_traces where trace_id = $1 and tenant_id = $2 limit 1',
      [traceId, tenantId],
    );
    return row ? (JSON.parse(String(row.body)) as TraceView) : undefined;
  }

  async prune(): Promise<void> {
    await this.written();
    await this.ready();
    const now = this.options.now?.() ?? Date.now();
    // Whole days, as the history counts them, so a trace goes with the answer it explains.
    const cutoff = (Math.floor(now / DAY_MS) - this.options.retentionDays) * DAY_MS;
    await this.sql.query('delete from docent_traces where answered_ms < $1', [cutoff]);
  }

  /** Stores what is waiting; the database itself is closed by whoever opened it. */
  async close(): Promise<void> {
    await this.written();
  }

  /** Resolves once every trace recorded so far is stored (or its write failed and was logged). */
  private written(): Promise<void> {
    return this.writes.flushed();
  }

  /** One statement for the batch: all of it is stored, or none. */
  private async insert(batch: TraceRecord[]): Promise<void> {
    await this.ready();
    const rows = batch.map((t) => [t.traceId, t.tenantId, t.answeredMs, JSON.stringify(t.trace)]);
    await insertRows(this.sql, 'docent_traces', COLUMNS, rows);
  }
}

/**
 * Creates the table when missing. Instances starting together on PostgreSQL can race on its
 * catalogue even with `if not exists`: the loser tries again once the winner is done.
 */
async function createTable(sql: SqlClient): Promise<void> {
  const statements = [
    `create table if not exists docent_traces (
       trace_id text not null,
       tenant_id text not null,
       answered_ms bigint not null,
       body text not null
     )`,
  ];
  // DuckDB finds a trace by scanning one narrow column; an index would cost memory per row.
  if (sql.dialect === 'postgres')
    statements.push(
      'create index if not exists docent_traces_by_id on docent_traces (trace_id)',
      'create index if not exists docent_traces_by_time on docent_traces (answered_ms)',
    );
  await createRacing(async () => {
    for (const statement of statements) await sql.query(statement);
  }, 5);
}
