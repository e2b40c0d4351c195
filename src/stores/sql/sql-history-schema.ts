import { createRacing, insertRows, type SqlClient } from './sql-client.js';

const ANSWER_COLUMNS = [
  'answer_id',
  'asked_ms',
  'day',
  'tenant_id',
  'platform',
  'scope',
  'asker_hash',
  'question',
  'question_key',
  'answer',
  'route',
  'model',
  'cached',
  'escalated',
  'counted',
  'covered',
  'tokens_in',
  'tokens_out',
  'cost_usd',
  'latency_ms',
  'sources',
  'trace_id',
] as const;

/** Creates what is missing; safe to run from several instances at once. */
export async function createTables(sql: SqlClient): Promise<void> {
  await sql.query(
    `create table if not exists docent_answers (
       answer_id text not null,
       asked_ms bigint not null,
       day integer not null,
       tenant_id text not null,
       platform text not null,
       scope text not null,
       asker_hash text not null,
       question text,
       question_key text not null,
       answer text,
       route text not null,
       model text not null,
       cached boolean not null,
       escalated boolean not null,
       counted boolean not null,
       covered boolean not null,
       tokens_in integer not null,
       tokens_out integer not null,
       cost_usd float8 not null,
       latency_ms integer not null,
       sources text not null,
       trace_id text
     )`,
  );
  await sql.query(
    `create table if not exists docent_votes (
       answer_id text not null,
       voter_hash text not null,
       tenant_id text not null,
       vote text not null,
       voted_ms bigint not null,
       primary key (answer_id, voter_hash)
     )`,
  );
  await sql.query(
    'create table if not exists docent_history_meta (key text primary key, value text not null)',
  );
  // DuckDB needs no index here: rows arrive in time order, so each block's min/max of `day`
  // already skips what a date range leaves out, and an index would cost memory per row.
  if (sql.dialect === 'postgres') {
    await sql.query('create index if not exists docent_answers_by_id on docent_answers (answer_id)');
    await sql.query('create index if not exists docent_answers_by_day on docent_answers (tenant_id, day)');
    await sql.query('create index if not exists docent_answers_by_date on docent_answers (day)');
  }
}

/** One statement for the batch: all of it is stored, or none. */
export const insertAnswers = (sql: SqlClient, rows: unknown[][]) =>
  insertRows(sql, 'docent_answers', ANSWER_COLUMNS, rows);

/** The tables, created once whichever of several instances starting together gets there first. */
export async function createTablesOnce(sql: SqlClient): Promise<void> {
  return createRacing(() => createTables(sql), 5);
}
