// npm run bench:history: 1,000,000 answered questions (90 days, 20 tenants, one in five not
// covered) in the embedded store (DuckDB) and in PostgreSQL; times what recording 20,000 more
// costs the thread that answers, then the admin's reports (the overview of 30 days for one tenant
// and for all, and the coverage gaps). `-- --records N` seeds fewer; `-- --no-postgres` skips it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { AnswerRecord } from '../src/core/ports/history-store.js';
import { DuckDbClient } from '../src/stores/sql/duckdb-client.js';
import { PostgresClient } from '../src/stores/sql/postgres-client.js';
import type { SqlClient } from '../src/stores/sql/sql-client.js';
import { SqlHistoryStore } from '../src/stores/sql/sql-history-store.js';
import { PostgresDatabase } from '../test/helpers/postgres-database.js';
import { rng } from './corpus.js';

const argument = (name: string) => process.argv.indexOf(`--${name}`);
const RECORDS = argument('records') > 0 ? Number(process.argv[argument('records') + 1]) : 1_000_000;
const TENANTS = 20;
const DAYS = 90;
const REPORT_RUNS = 20;
const DAY_MS = 86_400_000;
const NOW = Date.now();
const random = rng(7);
const RECORDED = 20_000;

/**
 * The million rows, written by the database itself: ninety days oldest first, 20 tenants, one
 * answer in five not covered (its question one of 500, a few asked far more often).
 */
function seedSql(dialect: 'duckdb' | 'postgres'): string {
  const rows = dialect === 'duckdb' ? `range(0, ${RECORDS}) t(i)` : `generate_series(0, ${RECORDS - 1}) t(i)`;
  const startMs = NOW - DAYS * DAY_MS;
  const atMs = `(${startMs} + t.i::bigint * ${Math.floor((DAYS * DAY_MS) / RECORDS)})`;
  const gap = `(t.i % 5 = 0)`;
  const gapKey = `'gap' || ((t.i::bigint * t.i) % 500)::text`;
  return `insert into docent_answers select 'seed' || t.i::text, ${atMs}, floor(${atMs} / ${DAY_MS}.0)::integer,
    'T' || (t.i % ${TENANTS})::text, 'slack', 'tenant', 'h' || (t.i % 2000)::text,
    case when ${gap} then 'where is the policy for ' || ${gapKey} else 'how do I do task ' || (t.i % 5000)::text end,
    case when ${gap} then ${gapKey} else 'task' || (t.i % 5000)::text end,
    'Open Settings, then Keys [1].', case when ${gap} then 'no_passages' when t.i % 3 = 0 then 'cached' else 'cheap' end,
    'gpt-4o-mini', t.i % 3 = 0, t.i % 50 = 1, true, not ${gap}, 900, 120, 0.0002,
    200 + ((t.i::bigint * 7919) % 3000)::integer, '[]', null from ${rows}`;
}

function record(i: number): AnswerRecord {
  const covered = random() > 0.2;
  return {
    answerId: `recorded-${i}`,
    atMs: NOW,
    tenantId: `T${Math.floor(random() * TENANTS)}`,
    platform: 'slack',
    scope: 'tenant',
    askerId: `U${Math.floor(random() * 2000)}`,
    question: covered ? `how do I do task ${i % 5000}?` : `where is the policy for topic ${i % 500}?`,
    answer: covered
      ? 'Open Settings, then Keys, and press Rotate [1].'
      : "I couldn't find anything about that.",
    route: covered ? 'cheap' : 'no_passages',
    model: 'gpt-4o-mini',
    cached: false,
    tokens: { input: 900, output: 120 },
    costUsd: 0.0002,
    latencyMs: 200 + Math.floor(random() * 3000),
    covered,
    sources: covered ? [{ docId: 'd1', title: 'Keys', source: 'keys.md' }] : [],
  };
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
};

async function timed(work: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  const times: number[] = [];
  for (let i = 0; i < REPORT_RUNS; i++) {
    const start = performance.now();
    await work();
    times.push(performance.now() - start);
  }
  return { p50: percentile(times, 50), p95: percentile(times, 95) };
}

async function measure(name: string, sql: SqlClient): Promise<void> {
  const history = await SqlHistoryStore.open(sql, options);
  const seedStart = performance.now();
  await sql.query(seedSql(sql.dialect));
  if (sql.dialect === 'postgres') await sql.query('analyze docent_answers');
  const seedMs = performance.now() - seedStart;
  // What answering pays: the call itself, and the answering thread's busy time per record while
  // records stream in (the writes themselves run on DuckDB's threads or in PostgreSQL).
  const calls: number[] = [];
  const loopBefore = performance.eventLoopUtilization();
  const writeStart = performance.now();
  for (let i = 0; i < RECORDED; i++) {
    const start = performance.now();
    history.recordAnswer(record(i));
    calls.push(performance.now() - start);
    // Answers arrive spread out; let the writes keep up, as between a service's answers.
    if (i % 1000 === 999) await history.findAnswer('none');
  }
  await history.findAnswer('none');
  const writeMs = performance.now() - writeStart;
  const busyPerRecordMs = performance.eventLoopUtilization(loopBefore).active / RECORDED;
  const from = new Date(NOW - 30 * DAY_MS).toISOString().slice(0, 10);
  const overviewOne = await timed(() => history.summary({ tenantId: 'T3', from }));
  const overviewAll = await timed(() => history.summary({ from }));
  const gaps = await timed(() => history.unanswered({ tenantId: 'T3', from }, 50));
  const total = (await history.summary()).questions;
  await history.close();
  await sql.close();
  const ms = (x: number) => x.toFixed(1);
  console.log(
    `\n${name}: ${total.toLocaleString('en')} questions kept (seeded in ${(seedMs / 1000).toFixed(1)} s)`,
  );
  console.log(
    `  recording ${RECORDED.toLocaleString('en')} answers   ${(RECORDED / (writeMs / 1000)).toFixed(0)} a second`,
  );
  console.log(`  record call             p99 ${(percentile(calls, 99) * 1000).toFixed(1)} µs`);
  console.log(
    `  answering thread busy   ${(busyPerRecordMs * 1000).toFixed(1)} µs per answer, writing included`,
  );
  console.log(
    `  overview, one tenant    p50 ${ms(overviewOne.p50)} ms  p95 ${ms(overviewOne.p95)} ms (30 days)`,
  );
  console.log(
    `  overview, all tenants   p50 ${ms(overviewAll.p50)} ms  p95 ${ms(overviewAll.p95)} ms (30 days)`,
  );
  console.log(
    `  coverage gaps           p50 ${ms(gaps.p50)} ms  p95 ${ms(gaps.p95)} ms (one tenant, 30 days)`,
  );
}

const options = { retentionDays: 365, keepText: true, onError: (error: unknown) => console.error(error) };
const dir = await mkdtemp(path.join(tmpdir(), 'docent-bench-history-'));
try {
  await measure('DuckDB (DATA_DIR)', await DuckDbClient.open(path.join(dir, 'history.duckdb')));
  if (argument('no-postgres') < 0) {
    const database = await PostgresDatabase.create();
    try {
      await measure('PostgreSQL (DATABASE_URL)', await PostgresClient.open(database.url, console.error));
    } finally {
      await database.drop();
    }
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
