import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NOT_IN_DOCUMENTS } from '../../src/core/ask.js';
import type { AnswerRecord, HistoryStore } from '../../src/core/ports/history-store.js';
import { DuckDbClient } from '../../src/stores/sql/duckdb-client.js';
import { PostgresClient } from '../../src/stores/sql/postgres-client.js';
import type { SqlClient } from '../../src/stores/sql/sql-client.js';
import { type SqlHistoryOptions, SqlHistoryStore } from '../../src/stores/sql/sql-history-store.js';
import { PostgresDatabase } from '../helpers/postgres-database.js';

const DAY = 86_400_000;
const NOV_27 = Date.UTC(2026, 10, 27, 12);
let n = 0;
const answer = (over: Partial<AnswerRecord> = {}): AnswerRecord => ({
  answerId: `a${n++}`,
  atMs: NOV_27,
  tenantId: 'T1',
  platform: 'slack',
  scope: 'tenant',
  askerId: 'U1',
  question: 'how do I rotate the key?',
  answer: 'In Settings [1].',
  route: 'cheap',
  model: 'gpt-4o-mini',
  cached: false,
  tokens: { input: 100, output: 20 },
  costUsd: 0.0001,
  latencyMs: 900,
  covered: true,
  sources: [{ docId: 'd1', title: 'Keys', source: 'keys.md' }],
  ...over,
});
const unanswered = (question: string, over: Partial<AnswerRecord> = {}) =>
  answer({ question, answer: NOT_IN_DOCUMENTS, route: 'no_passages', covered: false, sources: [], ...over });

/** `fresh`: a second store while the first is open (its records are not read). */
type Opener = (options: Partial<SqlHistoryOptions>, fresh?: boolean) => Promise<HistoryStore>;

function historyContract(
  name: string,
  setUp: () => Promise<{ open: Opener; tearDown: () => Promise<void> }>,
) {
  describe(`HistoryStore contract: ${name}`, () => {
    let open: Opener;
    let tearDown: () => Promise<void>;
    let history: HistoryStore;
    beforeEach(async () => {
      ({ open, tearDown } = await setUp());
      history = await open({});
    });
    afterEach(async () => {
      await history.close();
      await tearDown();
    });

    it('counts each answer into its tenant and day, and the days add up to the totals', async () => {
      for (let i = 0; i < 30; i++) history.recordAnswer(answer({ latencyMs: 100 * (i + 1) }));
      history.recordAnswer(
        answer({ route: 'cached', cached: true, tokens: { input: 0, output: 0 }, costUsd: 0 }),
      );
      history.recordAnswer(answer({ route: 'escalated', atMs: NOV_27 + DAY }));
      history.recordAnswer(answer({ route: 'smalltalk', atMs: NOV_27 + DAY }));
      history.recordAnswer(answer({ tenantId: 'T2' }));
      const t1 = await history.summary({ tenantId: 'T1' });
      expect(t1.questions).toBe(32);
      expect(t1.per_day.reduce((sum, d) => sum + d.questions, 0)).toBe(t1.questions);
      expect(t1.cache_hit_rate).toBe(Number((1 / 32).toFixed(4)));
      expect(t1.escalation_rate).toBe(Number((1 / 31).toFixed(4)));
      expect(t1.per_day).toMatchObject([
        { day: '2026-11-27', questions: 31, cached: 1, tokens_in: 3000, tokens_out: 600, cost_usd: 0.003 },
        // The small talk is no question, but its tokens and cost count.
        { day: '2026-11-28', questions: 1, escalated: 1, tokens_in: 200, tokens_out: 40, cost_usd: 0.0002 },
      ]);
      expect(t1.per_day[0]?.p50_latency_ms).toBe(1500);
      expect(t1.per_day[0]?.p95_latency_ms).toBeGreaterThan(2800);
      expect((await history.summary()).questions).toBe(33);
      expect((await history.summary({ tenantId: 'T3' })).questions).toBe(0);
      expect((await history.summary({ tenantId: 'T1', from: '2026-11-28' })).questions).toBe(1);
      expect((await history.summary({ to: '2026-11-27' })).questions).toBe(32);
    });

    it('attaches one vote per person to an answer of their own tenant, a changed mind replacing it', async () => {
      const given = answer();
      history.recordAnswer(given);
      expect(await history.findAnswer(given.answerId)).toEqual({
        tenantId: 'T1',
        question: given.question,
        answer: given.answer,
      });
      const vote = { answerId: given.answerId, atMs: NOV_27 + 1, tenantId: 'T1', voterId: 'U2' };
      expect(await history.recordVote({ ...vote, vote: 'down' })).toBe(true);
      expect(await history.recordVote({ ...vote, vote: 'up', atMs: NOV_27 + 2 })).toBe(true);
      expect(await history.recordVote({ ...vote, voterId: 'U3', vote: 'down', atMs: NOV_27 + 3 })).toBe(true);
      // Another tenant's member, or an answer not on record: not counted.
      expect(await history.recordVote({ ...vote, tenantId: 'T2', vote: 'down' })).toBe(false);
      expect(await history.recordVote({ ...vote, answerId: 'nope', vote: 'down' })).toBe(false);
      const votes = await history.feedback({ tenantId: 'T1' });
      expect(votes.map((v) => v.vote)).toEqual(['down', 'up']);
      expect(votes[1]).toMatchObject({
        answer_id: given.answerId,
        question: given.question,
        tenant_id: 'T1',
      });
      expect(votes[1]?.voter).not.toContain('U2');
      expect((await history.summary({ tenantId: 'T1' })).feedback).toEqual({
        up: 1,
        down: 1,
        positive_ratio: 0.5,
      });
      expect(await history.feedback({ tenantId: 'T2' })).toEqual([]);
    });

    it('lists the questions the documents could not answer, most asked first, however written', async () => {
      history.recordAnswer(unanswered('Where do I park?'));
      history.recordAnswer(unanswered('where do I park', { atMs: NOV_27 + 1000 }));
      history.recordAnswer(unanswered('who runs payroll?'));
      history.recordAnswer(unanswered('who runs payroll?', { tenantId: 'T2' }));
      expect(await history.unanswered({ tenantId: 'T1' })).toEqual([
        { question: 'Where do I park?', count: 2, last_asked: new Date(NOV_27 + 1000).toISOString() },
        { question: 'who runs payroll?', count: 1, last_asked: new Date(NOV_27).toISOString() },
      ]);
      expect((await history.summary({ tenantId: 'T1' })).unanswered_rate).toBe(1);
    });

    it('lists the answered questions most asked where the whole tenant reads, in their latest words', async () => {
      history.recordAnswer(answer({ question: 'How do I rotate the key?' }));
      history.recordAnswer(answer({ question: 'how do I rotate the key', atMs: NOV_27 + 1000 }));
      history.recordAnswer(answer({ question: 'where is the VPN guide?' }));
      // Asked in a DM or a private channel, not covered, small talk, or in another tenant: never offered.
      history.recordAnswer(answer({ question: 'what is my salary?', scope: 'user:U1' }));
      history.recordAnswer(answer({ question: 'what is my salary?', scope: 'user:U1' }));
      history.recordAnswer(answer({ question: 'the merger plan?', scope: 'channel:CPRIV' }));
      history.recordAnswer(unanswered('Where do I park?'));
      history.recordAnswer(answer({ question: 'thanks!', route: 'smalltalk' }));
      history.recordAnswer(answer({ question: 'who runs payroll?', tenantId: 'T2' }));
      expect(await history.mostAsked({ tenantId: 'T1' })).toEqual([
        { question: 'how do I rotate the key', count: 2, last_asked: new Date(NOV_27 + 1000).toISOString() },
        { question: 'where is the VPN guide?', count: 1, last_asked: new Date(NOV_27).toISOString() },
      ]);
      expect(await history.mostAsked({ tenantId: 'T1' }, 1)).toHaveLength(1);
      const textless = await open({ keepText: false }, true);
      textless.recordAnswer(answer({ tenantId: 'T9' }));
      expect(await textless.mostAsked({ tenantId: 'T9' })).toEqual([]);
      await textless.close();
    });

    it('keeps no question or answer text when told not to, and still groups the gaps', async () => {
      const private_ = await open({ keepText: false }, true);
      const given = answer({ question: 'salary of Ann?', answerId: 'private-1' });
      private_.recordAnswer(given);
      private_.recordAnswer(unanswered('Where do I park?'));
      private_.recordAnswer(unanswered('where do I park'));
      expect(await private_.findAnswer('private-1')).toEqual({ tenantId: 'T1', question: '', answer: '' });
      expect(await private_.unanswered()).toEqual([expect.objectContaining({ question: null, count: 2 })]);
      expect((await private_.summary()).questions).toBe(3);
      await private_.close();
    });

    it('drops what is older than the retention, votes included', async () => {
      const clocked = await open({ retentionDays: 30, now: () => NOV_27 + 40 * DAY }, true);
      const old = answer({ answerId: 'old' });
      clocked.recordAnswer(old);
      clocked.recordAnswer(answer({ answerId: 'recent', atMs: NOV_27 + 20 * DAY }));
      await clocked.recordVote({ answerId: 'old', atMs: NOV_27, tenantId: 'T1', voterId: 'U2', vote: 'up' });
      await clocked.prune();
      expect((await clocked.summary()).questions).toBe(1);
      expect(await clocked.findAnswer('old')).toBeUndefined();
      expect(await clocked.feedback()).toEqual([]);
      await clocked.close();
    });

    it('lists the latest questions first, searched by their words, with what answered them', async () => {
      history.recordAnswer(answer({ answerId: 'q1', question: 'How do I rotate the key?', traceId: 't-1' }));
      history.recordAnswer(
        answer({ answerId: 'q2', question: 'where is 50% of the budget_x?', atMs: NOV_27 + 1 }),
      );
      history.recordAnswer(
        answer({ answerId: 'q3', question: 'who runs payroll?', atMs: NOV_27 + 2, tenantId: 'T2' }),
      );
      expect((await history.questions()).map((q) => q.answer_id)).toEqual(['q3', 'q2', 'q1']);
      expect((await history.questions({ tenantId: 'T1' }, { limit: 1 })).map((q) => q.answer_id)).toEqual([
        'q2',
      ]);
      const [found] = await history.questions({}, { search: 'ROTATE' });
      expect(found).toMatchObject({
        answer_id: 'q1',
        question: 'How do I rotate the key?',
        route: 'cheap',
        cost_usd: 0.0001,
        tokens: { input: 100, output: 20 },
        sources: [{ docId: 'd1', title: 'Keys', source: 'keys.md' }],
        trace_id: 't-1',
      });
      // % and _ are searched as themselves, not as wildcards.
      expect((await history.questions({}, { search: '50%' })).map((q) => q.answer_id)).toEqual(['q2']);
      expect(await history.questions({}, { search: 'budget%x' })).toEqual([]);
    });

    it('has every answer and vote again when opened anew', async () => {
      const given = answer();
      history.recordAnswer(given);
      history.recordAnswer(unanswered('where do I park'));
      await history.recordVote({
        answerId: given.answerId,
        atMs: NOV_27,
        tenantId: 'T1',
        voterId: 'U2',
        vote: 'up',
      });
      const before = await history.summary();
      await history.close();
      history = await open({});
      expect(await history.summary()).toEqual(before);
      expect(await history.unanswered()).toHaveLength(1);
    });
  });
}

historyContract('DuckDB file', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'docent-history-'));
  let files = 0;
  return {
    // A process holds a DuckDB file alone: a second store at once gets a file of its own.
    open: async (options, fresh) => {
      if (fresh) files++;
      return storeOn(await DuckDbClient.open(path.join(dir, `history-${files}.duckdb`)), options);
    },
    tearDown: () => rm(dir, { recursive: true, force: true }),
  };
});

describe('on PostgreSQL', () => {
  let database: PostgresDatabase;
  beforeAll(async () => {
    database = await PostgresDatabase.create();
  });
  afterAll(async () => database.drop());
  historyContract('PostgreSQL', async () => {
    // Each test starts from empty tables in the shared test database.
    const client = await PostgresClient.open(database.url, () => {});
    await client.query('drop table if exists docent_answers, docent_votes, docent_history_meta');
    await client.close();
    return {
      open: async (options) => storeOn(await PostgresClient.open(database.url, () => {}), options),
      tearDown: async () => {},
    };
  });
});

/** A store whose close() also closes its database, as the service does when it stops. */
async function storeOn(client: SqlClient, options: Partial<SqlHistoryOptions>): Promise<HistoryStore> {
  const store = await SqlHistoryStore.open(client, defaults(options));
  const flush = store.close.bind(store);
  store.close = async () => {
    await flush();
    await client.close();
  };
  return store;
}

function defaults(options: Partial<SqlHistoryOptions>): SqlHistoryOptions {
  return {
    retentionDays: 90,
    keepText: true,
    onError: (error) => {
      throw error;
    },
    ...options,
  };
}
