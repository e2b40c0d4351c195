import { describe, expect, it } from 'vitest';
import { NOT_IN_DOCUMENTS } from '../../src/core/ask.js';
import type { AnsweredRecord } from '../../src/core/ports/stats-store.js';
import { MemoryStatsStore } from '../../src/stores/memory/memory-stats-store.js';

const DAY = 86_400_000;
const NOV_27 = Date.UTC(2026, 10, 27, 12);
let n = 0;
const answer = (over: Partial<AnsweredRecord> = {}): AnsweredRecord => ({
  answerId: `a${n++}`,
  atMs: NOV_27,
  tenantId: 'T1',
  platform: 'slack',
  question: 'how do I rotate the key?',
  answer: 'In Settings [1].',
  route: 'cheap',
  model: 'gpt-4o-mini',
  cached: false,
  tokens: { input: 100, output: 20 },
  costUsd: 0.0001,
  latencyMs: 900,
  votable: true,
  ...over,
});

describe('MemoryStatsStore', () => {
  it('counts every answer into its tenant and day, past any bound on what it keeps', async () => {
    const stats = new MemoryStatsStore(10);
    for (let i = 0; i < 30; i++) await stats.recordAnswer(answer());
    await stats.recordAnswer(
      answer({ route: 'cached', cached: true, tokens: { input: 0, output: 0 }, costUsd: 0 }),
    );
    await stats.recordAnswer(answer({ route: 'escalated', atMs: NOV_27 + DAY }));
    await stats.recordAnswer(answer({ route: 'smalltalk', atMs: NOV_27 + DAY }));
    await stats.recordAnswer(answer({ tenantId: 'T2' }));
    const t1 = await stats.summary('T1');
    expect(t1.questions).toBe(32);
    expect(t1.cache_hit_rate).toBe(Number((1 / 32).toFixed(4)));
    expect(t1.escalation_rate).toBe(Number((1 / 31).toFixed(4)));
    expect(t1.per_day).toEqual([
      { day: '2026-11-27', questions: 31, tokens_in: 3000, tokens_out: 600, cost_usd: 0.003 },
      { day: '2026-11-28', questions: 2, tokens_in: 200, tokens_out: 40, cost_usd: 0.0002 },
    ]);
    expect((await stats.summary()).questions).toBe(33);
    expect((await stats.summary('T3')).questions).toBe(0);
  });

  it('keeps votable answers for the votes on them, and nothing of the others', async () => {
    const stats = new MemoryStatsStore();
    const chat = answer();
    const api = answer({ platform: 'http', votable: false });
    await stats.recordAnswer(chat);
    await stats.recordAnswer(api);
    expect(await stats.findAnswer(chat.answerId)).toEqual({
      tenantId: 'T1',
      question: chat.question,
      answer: chat.answer,
    });
    expect(await stats.findAnswer(api.answerId)).toBeUndefined();
  });

  it('lists the questions the documents could not answer, most asked first, however written', async () => {
    const stats = new MemoryStatsStore();
    await stats.recordAnswer(answer({ question: 'Where do I park?', route: 'no_passages' }));
    await stats.recordAnswer(
      answer({ question: 'where do I park', answer: NOT_IN_DOCUMENTS, atMs: NOV_27 + 1000 }),
    );
    await stats.recordAnswer(answer({ question: 'who runs payroll?', route: 'no_passages' }));
    await stats.recordAnswer(answer({ question: 'who runs payroll?', route: 'no_passages', tenantId: 'T2' }));
    expect(await stats.unanswered('T1')).toEqual([
      { question: 'Where do I park?', count: 2, last_asked: new Date(NOV_27 + 1000).toISOString() },
      { question: 'who runs payroll?', count: 1, last_asked: new Date(NOV_27).toISOString() },
    ]);
    expect((await stats.summary('T1')).unanswered_rate).toBe(1);
  });
});
