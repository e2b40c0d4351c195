import { LRUCache } from 'lru-cache';
import { NOT_IN_DOCUMENTS } from '../../core/ask.js';
import type {
  AnsweredRecord,
  FeedbackRecord,
  StatsStore,
  StatsSummary,
  VotedAnswer,
} from '../../core/ports/stats-store.js';

const isUnanswered = (a: AnsweredRecord) => a.route === 'no_passages' || a.answer === NOT_IN_DOCUMENTS;
const MODEL_ROUTES = new Set(['cheap', 'strong', 'escalated', 'extractive']);
const DAY_MS = 86_400_000;
const round = (x: number, digits = 4) => Number(x.toFixed(digits));

/** One tenant's answers on one day, counted as they come. */
interface DayTotals {
  answers: number;
  questions: number;
  cached: number;
  byModel: number;
  escalated: number;
  unanswered: number;
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
}

interface Gap {
  tenantId: string;
  question: string;
  count: number;
  lastMs: number;
}

/**
 * In-process twin. Answers are counted into per-tenant, per-day totals rather than kept, so the
 * figures cover every answer since the start and an answer costs no memory once counted. Only
 * what later reads need is kept, bounded: votable answers (for the votes on them) and the
 * questions the documents could not answer.
 */
export class MemoryStatsStore implements StatsStore {
  private readonly totals = new Map<string, Map<number, DayTotals>>();
  private readonly votable: LRUCache<string, VotedAnswer>;
  private readonly gaps: LRUCache<string, Gap>;
  private readonly votes: FeedbackRecord[] = [];

  constructor(private readonly maxRecords = 50_000) {
    this.votable = new LRUCache({ max: maxRecords });
    this.gaps = new LRUCache({ max: maxRecords });
  }

  async recordAnswer(record: AnsweredRecord): Promise<void> {
    const day = this.dayTotals(record.tenantId, Math.floor(record.atMs / DAY_MS));
    day.answers++;
    day.tokensIn += record.tokens.input;
    day.tokensOut += record.tokens.output;
    // Rounded so that sums of many small prices stay readable; a cached answer costs nothing to add.
    if (record.costUsd !== 0) day.costUsd = round(day.costUsd + record.costUsd, 6);
    if (record.route !== 'smalltalk') {
      day.questions++;
      if (record.cached) day.cached++;
      if (MODEL_ROUTES.has(record.route)) day.byModel++;
      if (record.route === 'escalated') day.escalated++;
      if (isUnanswered(record)) {
        day.unanswered++;
        this.countGap(record);
      }
    }
    if (record.votable)
      this.votable.set(record.answerId, {
        tenantId: record.tenantId,
        question: record.question,
        answer: record.answer,
      });
  }

  async findAnswer(answerId: string): Promise<VotedAnswer | undefined> {
    return this.votable.get(answerId);
  }

  async recordFeedback(record: FeedbackRecord): Promise<void> {
    // One vote per person per answer: a changed mind replaces the earlier vote.
    const existing = this.votes.findIndex(
      (v) => v.answerId === record.answerId && v.userId === record.userId,
    );
    if (existing >= 0) this.votes.splice(existing, 1);
    this.votes.push(record);
    if (this.votes.length > this.maxRecords) this.votes.shift();
  }

  async summary(tenantId?: string): Promise<StatsSummary> {
    const all = { questions: 0, cached: 0, byModel: 0, escalated: 0, unanswered: 0 };
    const perDay = new Map<number, StatsSummary['per_day'][number]>();
    for (const [tenant, days] of this.totals) {
      if (tenantId && tenant !== tenantId) continue;
      for (const [dayNumber, t] of days) {
        all.questions += t.questions;
        all.cached += t.cached;
        all.byModel += t.byModel;
        all.escalated += t.escalated;
        all.unanswered += t.unanswered;
        const day = perDay.get(dayNumber) ?? {
          day: new Date(dayNumber * DAY_MS).toISOString().slice(0, 10),
          questions: 0,
          tokens_in: 0,
          tokens_out: 0,
          cost_usd: 0,
        };
        day.questions += t.answers;
        day.tokens_in += t.tokensIn;
        day.tokens_out += t.tokensOut;
        day.cost_usd = round(day.cost_usd + t.costUsd, 6);
        perDay.set(dayNumber, day);
      }
    }
    const votes = await this.feedback(tenantId, Number.POSITIVE_INFINITY);
    const up = votes.filter((v) => v.vote === 'up').length;
    const down = votes.length - up;
    const rate = (part: number, whole: number) => (whole ? round(part / whole) : 0);
    return {
      questions: all.questions,
      cache_hit_rate: rate(all.cached, all.questions),
      escalation_rate: rate(all.escalated, all.byModel),
      unanswered_rate: rate(all.unanswered, all.questions),
      feedback: { up, down, positive_ratio: votes.length ? round(up / votes.length) : null },
      per_day: [...perDay.values()].sort((a, b) => a.day.localeCompare(b.day)),
    };
  }

  async feedback(tenantId?: string, limit = 100): Promise<FeedbackRecord[]> {
    return this.votes
      .filter((v) => !tenantId || v.tenantId === tenantId)
      .slice(-limit)
      .reverse();
  }

  async unanswered(tenantId?: string, limit = 50) {
    return [...this.gaps.values()]
      .filter((g) => !tenantId || g.tenantId === tenantId)
      .sort((a, b) => b.count - a.count || b.lastMs - a.lastMs)
      .slice(0, limit)
      .map((g) => ({ question: g.question, count: g.count, last_asked: new Date(g.lastMs).toISOString() }));
  }

  private dayTotals(tenantId: string, dayNumber: number): DayTotals {
    let days = this.totals.get(tenantId);
    if (!days) {
      days = new Map();
      this.totals.set(tenantId, days);
    }
    let totals = days.get(dayNumber);
    if (!totals) {
      totals = {
        answers: 0,
        questions: 0,
        cached: 0,
        byModel: 0,
        escalated: 0,
        unanswered: 0,
        tokensIn: 0,
        tokensOut: 0,
        costUsd: 0,
      };
      days.set(dayNumber, totals);
    }
    return totals;
  }

  /** The same question asked again, however written, counts against one gap. */
  private countGap(record: AnsweredRecord) {
    const wording = record.question
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, ' ')
      .trim();
    const key = `${record.tenantId}\u0000${wording}`;
    const gap = this.gaps.get(key) ?? {
      tenantId: record.tenantId,
      question: record.question,
      count: 0,
      lastMs: record.atMs,
    };
    gap.count++;
    gap.lastMs = Math.max(gap.lastMs, record.atMs);
    this.gaps.set(key, gap);
  }
}
