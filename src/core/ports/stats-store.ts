export interface AnsweredRecord {
  answerId: string;
  /** When it was answered, in milliseconds since the epoch. */
  atMs: number;
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
  /** The answer was shown with feedback buttons: a vote on it will come looking for it. */
  votable: boolean;
}

/** What a vote needs to know about the answer it is about. */
export interface VotedAnswer {
  tenantId: string;
  question: string;
  answer: string;
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
  findAnswer(answerId: string): Promise<VotedAnswer | undefined>;
  recordFeedback(record: FeedbackRecord): Promise<void>;
  summary(tenantId?: string): Promise<StatsSummary>;
  feedback(tenantId?: string, limit?: number): Promise<FeedbackRecord[]>;
  /** Questions the documents could not answer, most frequent first: where docs are missing. */
  unanswered(
    tenantId?: string,
    limit?: number,
  ): Promise<{ question: string; count: number; last_asked: string }[]>;
}
