/** One answered message, as the history keeps it. */
export interface AnswerRecord {
  answerId: string;
  /** When it was answered, in milliseconds since the epoch. */
  atMs: number;
  tenantId: string;
  platform: string;
  /** Where it was asked, as the scope a file shared there would get (`tenant`, `channel:C1`, …). */
  scope: string;
  /** Who asked, as given; the store keeps only a keyed hash of it. */
  askerId: string;
  question: string;
  answer: string;
  route: string;
  model: string;
  cached: boolean;
  tokens: { input: number; output: number };
  costUsd: number;
  latencyMs: number;
  /** The documents held an answer (false for "I couldn't find anything about that"). */
  covered: boolean;
  /** The documents the answer cited, by title and source. */
  sources: { docId: string; title: string; source: string }[];
  /** Where the steps that made the answer are recorded, when they were. */
  traceId?: string;
}

/** Told to a voter whose vote matched no answer of their tenant that is still kept. */
export const VOTE_NOT_COUNTED = 'That answer is no longer on record, so the vote was not counted.';

/** What a vote needs to know about the answer it is about. */
export interface VotedAnswer {
  tenantId: string;
  question: string;
  answer: string;
}

export interface VoteRecord {
  answerId: string;
  atMs: number;
  /** The voter's tenant: a vote counts only on an answer given in the same tenant. */
  tenantId: string;
  voterId: string;
  vote: 'up' | 'down';
}

/** A vote as the admin sees it: with its question and answer, and the voter only as a hash. */
export interface FeedbackView {
  answer_id: string;
  at: string;
  tenant_id: string;
  voter: string;
  vote: 'up' | 'down';
  question: string | null;
  answer: string | null;
}

export interface DayFigures {
  day: string;
  questions: number;
  cached: number;
  escalated: number;
  unanswered: number;
  tokens_in: number;
  tokens_out: number;
  cost_usd: number;
  p50_latency_ms: number | null;
  p95_latency_ms: number | null;
}

export interface HistorySummary {
  questions: number;
  cache_hit_rate: number;
  escalation_rate: number;
  unanswered_rate: number;
  feedback: { up: number; down: number; positive_ratio: number | null };
  per_day: DayFigures[];
}

/** One answered question as the admin's history list shows it. */
export interface QuestionView {
  answer_id: string;
  at: string;
  tenant_id: string;
  platform: string;
  scope: string;
  question: string | null;
  answer: string | null;
  route: string;
  model: string;
  cached: boolean;
  covered: boolean;
  tokens: { input: number; output: number };
  cost_usd: number;
  latency_ms: number;
  sources: { docId: string; title: string; source: string }[];
  trace_id: string | null;
}

export interface GapView {
  question: string | null;
  count: number;
  last_asked: string;
}

/** A question the documents answered, as often as it was asked. */
export interface AskedQuestion {
  question: string;
  count: number;
  last_asked: string;
}

/** Which records a report covers: a tenant (or all) and a span of days, both ends included. */
export interface HistoryRange {
  tenantId?: string;
  /** YYYY-MM-DD (UTC); without it, from the oldest record kept. */
  from?: string;
  /** YYYY-MM-DD (UTC); without it, up to today. */
  to?: string;
}

/**
 * What was asked and how it went: the admin's view of usage, cost and coverage, kept across
 * restarts (and shared between instances when the store is).
 */
export interface HistoryStore {
  /** Never slows the answer it records: the write happens after, and a failure is logged. */
  recordAnswer(record: AnswerRecord): void;
  findAnswer(answerId: string): Promise<VotedAnswer | undefined>;
  /** One vote per person per answer: a changed mind replaces the earlier vote. False when refused. */
  recordVote(vote: VoteRecord): Promise<boolean>;
  summary(range?: HistoryRange): Promise<HistorySummary>;
  feedback(range?: HistoryRange, limit?: number): Promise<FeedbackView[]>;
  /** Questions the documents could not answer, most asked first: where docs are missing. */
  unanswered(range?: HistoryRange, limit?: number): Promise<GapView[]>;
  /**
   * Questions the documents answered, most asked first, counting only those asked where the whole
   * tenant reads (scope `tenant`): their words may be shown to anyone in it. None when no text is kept.
   */
  mostAsked(range?: HistoryRange, limit?: number): Promise<AskedQuestion[]>;
  /** The latest answered questions first; `search` keeps those whose question contains it. */
  questions(range?: HistoryRange, options?: { search?: string; limit?: number }): Promise<QuestionView[]>;
  /** Drops records older than the retention; run with the other upkeep. */
  prune(): Promise<void>;
  close(): Promise<void>;
}
