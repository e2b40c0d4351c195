import { NOT_IN_DOCUMENTS } from '../llm/extractive-answerer.js';
import { trimOldest } from './trim-oldest.js';

export interface AnsweredRecord {
  answerId: string;
  at: string;
  tenantId: string;
  platform: string;
  question: string;
  answer: string;
  route: string;
  model: string;
  cached: boolean;
  tokens: { input: number; output: number };
  costUsd: number;
  latencyMs: number;
}

export interface FeedbackRecord {
  answerId: string;
  at: string;
  tenantId: string;
  userId: string;
  vote: 'up' | 'down';
  question: string;
  answer: string;
}

export interface StatsSummary {
  questions: number;
  cache_hit_rate: number;
  escalation_rate: number;
  unanswered_rate: number;
  feedback: { up: number; down: number; positive_ratio: number | null };
  per_day: { day: string; questions: number; tokens_in: number; tokens_out: number; cost_usd: number }[];
}

/** What was asked and how it went: the admin's view of usage, cost and coverage. */
export interface StatsStore {
  recordAnswer(record: AnsweredRecord): Promise<void>;
  findAnswer(answerId: string): Promise<AnsweredRecord | undefined>;
  recordFeedback(record: FeedbackRecord): Promise<void>;
  summary(tenantId?: string): Promise<StatsSummary>;
  feedback(tenantId?: string, limit?: number): Promise<FeedbackRecord[]>;
  /** Questions the documents could not answer, most frequent first: where docs are missing. */
  unanswered(
    tenantId?: string,
    limit?: number,
  ): Promise<{ question: string; count: number; last_asked: string }[]>;
}

const isUnanswered = (a: AnsweredRecord) => a.route === 'no_passages' || a.answer === NOT_IN_DOCUMENTS;
const MODEL_ROUTES = new Set(['cheap', 'strong', 'escalated', 'extractive']);
const round = (x: number, digits = 4) => Number(x.toFixed(digits));

/** In-process twin, bounded to the most recent records. */
export class MemoryStatsStore implements StatsStore {
  private readonly answers = new Map<string, AnsweredRecord>();
  private readonly votes: FeedbackRecord[] = [];

  constructor(private readonly maxRecords = 50_000) {}

  async recordAnswer(record: AnsweredRecord): Promise<void> {
    this.answers.set(record.answerId, record);
    trimOldest(this.answers, this.maxRecords);
  }

  async findAnswer(answerId: string): Promise<AnsweredRecord | undefined> {
    return this.answers.get(answerId);
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
    const answers = [...this.answers.values()].filter((a) => !tenantId || a.tenantId === tenantId);
    const questions = answers.filter((a) => a.route !== 'smalltalk');
    const cached = questions.filter((a) => a.cached).length;
    const answeredByModel = questions.filter((a) => MODEL_ROUTES.has(a.route));
    const escalated = questions.filter((a) => a.route === 'escalated').length;
    const unanswered = questions.filter(isUnanswered).length;
    const days = new Map<string, StatsSummary['per_day'][number]>();
    for (const a of answers) {
      const day = a.at.slice(0, 10);
      const entry = days.get(day) ?? { day, questions: 0, tokens_in: 0, tokens_out: 0, cost_usd: 0 };
      entry.questions++;
      entry.tokens_in += a.tokens.input;
      entry.tokens_out += a.tokens.output;
      entry.cost_usd = round(entry.cost_usd + a.costUsd, 6);
      days.set(day, entry);
    }
    const votes = await this.feedback(tenantId, Number.POSITIVE_INFINITY);
    const up = votes.filter((v) => v.vote === 'up').length;
    const down = votes.length - up;
    return {
      questions: questions.length,
      cache_hit_rate: questions.length ? round(cached / questions.length) : 0,
      escalation_rate: answeredByModel.length ? round(escalated / answeredByModel.length) : 0,
      unanswered_rate: questions.length ? round(unanswered / questions.length) : 0,
      feedback: { up, down, positive_ratio: votes.length ? round(up / votes.length) : null },
      per_day: [...days.values()].sort((a, b) => a.day.localeCompare(b.day)),
    };
  }

  async feedback(tenantId?: string, limit = 100): Promise<FeedbackRecord[]> {
    return this.votes
      .filter((v) => !tenantId || v.tenantId === tenantId)
      .slice(-limit)
      .reverse();
  }

  async unanswered(tenantId?: string, limit = 50) {
    const groups = new Map<string, { question: string; count: number; last_asked: string }>();
    for (const a of this.answers.values()) {
      if (tenantId && a.tenantId !== tenantId) continue;
      if (!isUnanswered(a)) continue;
      const key = a.question
        .toLowerCase()
        .replace(/[^\p{L}\p{N}]+/gu, ' ')
        .trim();
      const group = groups.get(key) ?? { question: a.question, count: 0, last_asked: a.at };
      group.count++;
      if (a.at > group.last_asked) group.last_asked = a.at;
      groups.set(key, group);
    }
    return [...groups.values()]
      .sort((a, b) => b.count - a.count || b.last_asked.localeCompare(a.last_asked))
      .slice(0, limit);
  }
}
