import { createHmac, randomBytes } from 'node:crypto';
import type {
  AnswerRecord,
  AskedQuestion,
  FeedbackView,
  GapView,
  HistoryRange,
  HistoryStore,
  HistorySummary,
  VotedAnswer,
  VoteRecord,
} from '../../core/ports/history-store.js';
import { BatchedWrites } from './batched-writes.js';
import { onFirstUse, type SqlClient } from './sql-client.js';
import { createTablesOnce, insertAnswers } from './sql-history-schema.js';
import { count, summarise, toQuestionView } from './sql-history-views.js';

const DAY_MS = 86_400_000;
// Routes that asked a model (or quoted passages in its place): escalation is a share of these.
const MODEL_ROUTES = `('cheap', 'strong', 'escalated', 'extractive')`;
// Under load, answers recorded while a write runs go in the next one, this many at most.
const MAX_BATCH = 200;
// While the database is away, answers wait in memory up to this many; older ones are dropped.
const MAX_PENDING = 20_000;

export interface SqlHistoryOptions {
  /** Records older than this many days are dropped by prune(). */
  retentionDays: number;
  /** False keeps no question or answer text, only the figures. */
  keepText: boolean;
  onError: (error: unknown) => void;
  now?: () => number;
}

const dayNumber = (ms: number) => Math.floor(ms / DAY_MS);
const dayOf = (iso: string) => dayNumber(Date.parse(`${iso}T00:00:00Z`));

/**
 * The history in a SQL database: every answer one row, every vote one row. Reports read the rows
 * themselves, so each figure agrees with the others and with the per-day table.
 */
export class SqlHistoryStore implements HistoryStore {
  private readonly writes: BatchedWrites<AnswerRecord>;
  /** The tables, and the key that hashes who asked. */
  private readonly ready = onFirstUse(async () => {
    await createTablesOnce(this.sql);
    // Random per installation, so a hash cannot be looked up by trying every user id.
    await this.sql.query(
      `insert into docent_history_meta (key, value) values ('hash_key', $1) on conflict (key) do nothing`,
      [randomBytes(32).toString('hex')],
    );
    const [row] = await this.sql.query(`select value from docent_history_meta where key = 'hash_key'`);
    return Buffer.from(String(row?.value), 'hex');
  });

  private constructor(
    private readonly sql: SqlClient,
    private readonly options: SqlHistoryOptions,
  ) {
    this.writes = new BatchedWrites({
      what: 'history',
      maxBatch: MAX_BATCH,
      maxPending: MAX_PENDING,
      write: async (batch) => insertAnswers(sql, await Promise.all(batch.map((r) => this.row(r)))),
      onError: options.onError,
    });
  }

  /** Ready now: a database that cannot be reached fails here. */
  static async open(sql: SqlClient, options: SqlHistoryOptions): Promise<SqlHistoryStore> {
    const store = new SqlHistoryStore(sql, options);
    await store.ready();
    return store;
  }

  /** Made ready on first use, for commands that may never record an answer. */
  static onDemand(sql: SqlClient, options: SqlHistoryOptions): SqlHistoryStore {
    return new SqlHistoryStore(sql, options);
  }

  recordAnswer(record: AnswerRecord): void {
    this.writes.add(record);
  }

  async findAnswer(answerId: string): Promise<VotedAnswer | undefined> {
    await this.written();
    const [row] = await this.sql.query(
      'select tenant_id, question, answer from docent_answers where answer_id = $1',
      [answerId],
    );
    if (!row) return undefined;
    return {
      tenantId: String(row.tenant_id),
      question: String(row.question ?? ''),
      answer: String(row.answer ?? ''),
    };
  }

  async recordVote(vote: VoteRecord): Promise<boolean> {
    const answered = await this.findAnswer(vote.answerId);
    if (!answered || answered.tenantId !== vote.tenantId) return false;
    await this.sql.query(
      `insert into docent_votes (answer_id, voter_hash, tenant_id, vote, voted_ms) values ($1, $2, $3, $4, $5)
       on conflict (answer_id, voter_hash) do update set vote = excluded.vote, voted_ms = excluded.voted_ms`,
      [
        vote.answerId,
        await this.hash(`${vote.tenantId}\u0000${vote.voterId}`),
        vote.tenantId,
        vote.vote,
        vote.atMs,
      ],
    );
    return true;
  }

  async summary(range: HistoryRange = {}): Promise<HistorySummary> {
    await this.written();
    const { where, params } = this.rangeFilter(range, 'a');
    const days = await this.sql.query(
      `select a.day,
         count(*) filter (where a.counted) as questions,
         count(*) filter (where a.counted and a.cached) as cached,
         count(*) filter (where a.counted and a.route in ${MODEL_ROUTES}) as by_model,
         count(*) filter (where a.counted and a.escalated) as escalated,
         count(*) filter (where a.counted and not a.covered) as unanswered,
         sum(a.tokens_in) as tokens_in, sum(a.tokens_out) as tokens_out, sum(a.cost_usd) as cost_usd,
         percentile_cont(0.5) within group (order by a.latency_ms) as p50,
         percentile_cont(0.95) within group (order by a.latency_ms) as p95
       from docent_answers a where ${where} group by a.day order by a.day`,
      params,
    );
    const votes = await this.sql.query(
      `select v.vote, count(*) as n from docent_votes v join docent_answers a on a.answer_id = v.answer_id
       where ${where} group by v.vote`,
      params,
    );
    return summarise(days, votes);
  }

  async feedback(range: HistoryRange = {}, limit = 100): Promise<FeedbackView[]> {
    await this.written();
    const { where, params } = this.rangeFilter(range, 'a');
    const rows = await this.sql.query(
      `select v.answer_id, v.voted_ms, v.tenant_id, v.voter_hash, v.vote, a.question, a.answer
       from docent_votes v join docent_answers a on a.answer_id = v.answer_id
       where ${where} order by v.voted_ms desc limit ${Math.max(1, Math.floor(limit))}`,
      params,
    );
    return rows.map((r) => ({
      answer_id: String(r.answer_id),
      at: new Date(Number(r.voted_ms)).toISOString(),
      tenant_id: String(r.tenant_id),
      voter: String(r.voter_hash),
      vote: r.vote === 'up' ? 'up' : 'down',
      question: r.question === null ? null : String(r.question),
      answer: r.answer === null ? null : String(r.answer),
    }));
  }

  async unanswered(range: HistoryRange = {}, limit = 50): Promise<GapView[]> {
    await this.written();
    const { where, params } = this.rangeFilter(range, 'a');
    const rows = await this.sql.query(
      `select (array_agg(a.question order by a.asked_ms))[1] as question, count(*) as n, max(a.asked_ms) as last_ms
       from docent_answers a where ${where} and a.counted and not a.covered
       group by a.tenant_id, a.question_key order by n desc, last_ms desc limit ${Math.max(1, Math.floor(limit))}`,
      params,
    );
    return rows.map((r) => ({
      question: r.question === null ? null : String(r.question),
      count: count(r.n),
      last_asked: new Date(Number(r.last_ms)).toISOString(),
    }));
  }

  async mostAsked(range: HistoryRange = {}, limit = 4): Promise<AskedQuestion[]> {
    await this.written();
    const { where, params } = this.rangeFilter(range, 'a');
    // The latest wording of each question: the one people are likeliest to recognise.
    const rows = await this.sql.query(
      `select (array_agg(a.question order by a.asked_ms desc))[1] as question, count(*) as n, max(a.asked_ms) as last_ms
       from docent_answers a
       where ${where} and a.counted and a.covered and a.scope = 'tenant' and a.question is not null
       group by a.tenant_id, a.question_key order by n desc, last_ms desc limit ${Math.max(1, Math.floor(limit))}`,
      params,
    );
    return rows.map((r) => ({
      question: String(r.question),
      count: count(r.n),
      last_asked: new Date(Number(r.last_ms)).toISOString(),
    }));
  }

  async questions(range: HistoryRange = {}, options: { search?: string; limit?: number } = {}) {
    await this.written();
    const { where, params } = this.rangeFilter(range, 'a');
    let filter = where;
    if (options.search) {
      params.push(`%${options.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      filter += ` and a.question ilike $${params.length} escape '\\'`;
    }
    const limit = Math.max(1, Math.floor(options.limit ?? 50));
    const rows = await this.sql.query(
      `select * from docent_answers a where ${filter} order by a.asked_ms desc limit ${limit}`,
      params,
    );
    return rows.map(toQuestionView);
  }

  async prune(): Promise<void> {
    await this.written();
    const cutoffDay = dayNumber(this.now()) - this.options.retentionDays;
    await this.sql.query('delete from docent_votes where voted_ms < $1', [cutoffDay * DAY_MS]);
    await this.sql.query('delete from docent_answers where day < $1', [cutoffDay]);
  }

  /** Stores what is waiting; the database itself is closed by whoever opened it. */
  async close(): Promise<void> {
    await this.written();
  }

  /** Resolves once every answer recorded so far is stored (or its write failed and was logged). */
  private async written(): Promise<void> {
    await this.ready();
    await this.writes.flushed();
  }

  private async row(r: AnswerRecord): Promise<unknown[]> {
    const text = this.options.keepText;
    return [
      r.answerId,
      r.atMs,
      dayNumber(r.atMs),
      r.tenantId,
      r.platform,
      r.scope,
      await this.hash(`${r.tenantId}\u0000${r.askerId}`),
      text ? r.question : null,
      // The same question however written counts against one gap, with or without its text kept.
      await this.hash(`${r.tenantId}\u0000${wording(r.question)}`),
      text ? r.answer : null,
      r.route,
      r.model,
      r.cached,
      r.route === 'escalated',
      r.route !== 'smalltalk',
      r.covered,
      r.tokens.input,
      r.tokens.output,
      r.costUsd,
      Math.round(r.latencyMs),
      JSON.stringify(r.sources),
      r.traceId ?? null,
    ];
  }

  private rangeFilter(range: HistoryRange, alias: string): { where: string; params: unknown[] } {
    const clauses = ['true'];
    const params: unknown[] = [];
    const add = (clause: string, value: unknown) => {
      params.push(value);
      clauses.push(clause.replace('?', `$${params.length}`));
    };
    if (range.tenantId) add(`${alias}.tenant_id = ?`, range.tenantId);
    if (range.from) add(`${alias}.day >= ?`, dayOf(range.from));
    if (range.to) add(`${alias}.day <= ?`, dayOf(range.to));
    return { where: clauses.join(' and '), params };
  }

  private async hash(value: string): Promise<string> {
    const key = await this.ready();
    return createHmac('sha256', key).update(value).digest('hex').slice(0, 32);
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }
}

function wording(question: string): string {
  return question
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
