import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TraceRecord, TraceStore } from '../../src/core/ports/trace-store.js';
import { DuckDbClient } from '../../src/stores/sql/duckdb-client.js';
import { PostgresClient } from '../../src/stores/sql/postgres-client.js';
import type { SqlClient } from '../../src/stores/sql/sql-client.js';
import { SqlTraceStore } from '../../src/stores/sql/sql-trace-store.js';
import { PostgresDatabase } from '../helpers/postgres-database.js';

const DAY = 86_400_000;
const NOV_27 = Date.UTC(2026, 10, 27, 12);
let n = 0;

function traceOf(tenantId: string, answeredMs: number): TraceRecord {
  const traceId = (++n).toString(16).padStart(32, '0');
  const trace = {
    trace_id: traceId,
    tenant_id: tenantId,
    started_at: new Date(answeredMs - 40).toISOString(),
    duration_ms: 40,
    attributes: { 'docent.route': 'cheap' },
    steps: [
      {
        name: 'retrieve',
        parent: null,
        start_ms: 3,
        duration_ms: 12.5,
        status: 'ok' as const,
        attributes: { 'docent.passages.count': 1 },
        passages: [{ rank: 1, doc_id: 'd1', title: 'Keys', source: 'keys.md', score: 0.03 }],
      },
    ],
    dropped_steps: 0,
  };
  return { traceId, tenantId, answeredMs, trace };
}

function traceStoreContract(
  name: string,
  connect: () => Promise<{ sql: SqlClient; done: () => Promise<void> }>,
) {
  describe(`TraceStore contract: ${name}`, () => {
    let sql: SqlClient;
    let done: () => Promise<void>;
    let now = NOV_27;
    let traces: TraceStore;
    const errors: unknown[] = [];
    beforeAll(async () => {
      ({ sql, done } = await connect());
      traces = await SqlTraceStore.open(sql, {
        retentionDays: 30,
        onError: (e) => errors.push(e),
        now: () => now,
      });
    });
    afterAll(async () => {
      await traces.close();
      await done();
    });

    it('finds a trace as recorded, in its own tenant only', async () => {
      const record = traceOf('acme', NOV_27);
      traces.record(record);
      expect(await traces.find('acme', record.traceId)).toEqual(record.trace);
      expect(await traces.find('globex', record.traceId)).toBeUndefined();
      expect(await traces.find('acme', traceOf('acme', NOV_27).traceId)).toBeUndefined();
    });

    it('stores a burst of traces, and drops those older than the retention when pruned', async () => {
      const old = traceOf('acme', NOV_27 - 40 * DAY);
      const burst = Array.from({ length: 120 }, () => traceOf('acme', NOV_27));
      for (const record of [old, ...burst]) traces.record(record);
      expect(await traces.find('acme', old.traceId)).toBeDefined();
      await traces.prune();
      expect(await traces.find('acme', old.traceId)).toBeUndefined();
      for (const record of burst) expect(await traces.find('acme', record.traceId)).toEqual(record.trace);
      now = NOV_27 + 31 * DAY;
      await traces.prune();
      expect(await traces.find('acme', burst[0]?.traceId ?? '')).toBeUndefined();
      expect(errors).toEqual([]);
    });
  });
}

traceStoreContract('DuckDB', async () => {
  const sql = await DuckDbClient.open(':memory:');
  return { sql, done: () => sql.close() };
});

traceStoreContract('PostgreSQL', async () => {
  const database = await PostgresDatabase.create();
  const sql = await PostgresClient.open(database.url, () => {});
  return {
    sql,
    async done() {
      await sql.close();
      await database.drop();
    },
  };
});
