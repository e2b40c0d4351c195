/** The admin API's answers, as the console reads them (see docs/http-api.md). */

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

export interface Stats {
  questions: number;
  cache_hit_rate: number;
  escalation_rate: number;
  unanswered_rate: number;
  feedback: { up: number; down: number; positive_ratio: number | null };
  per_day: DayFigures[];
}

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

export interface FeedbackView {
  answer_id: string;
  at: string;
  tenant_id: string;
  vote: 'up' | 'down';
  question: string | null;
  answer: string | null;
}

export interface DocumentView {
  doc_id: string;
  source: string;
  title: string;
  scope: string;
  added_by: string;
  added_in: string;
  platform: string;
  passages: number;
  /** Null for a document stored before sizes were recorded. */
  bytes: number | null;
  updated_at: string;
}

export interface FailedJobView {
  id: string;
  tenant: string;
  scope: string;
  platform: string;
  file: string;
  reason: string;
  failed_at: string;
}

export interface CuratedAnswer {
  id: string;
  tenant_id: string;
  scope: string;
  question: string;
  answer: string;
  created_at: string;
  updated_at: string;
}

export interface SyncCounts {
  added: number;
  updated: number;
  unchanged: number;
  removed: number;
  failed: number;
}

/** A source and its last sync (GET /admin/sources); `secret` names where it is read, never its value. */
export interface SourceView {
  id: string;
  tenant: string;
  kind: string;
  target: string;
  scope: string;
  every_ms: number;
  settings: Record<string, string | number | boolean>;
  /** `env:NAME`, `file:PATH`, `key-file:PATH`, or null. */
  secret: string | null;
  created_at: string;
  last_sync_at: string | null;
  status: 'never' | 'ok' | 'partial' | 'failed';
  counts: SyncCounts | null;
  last_error: string | null;
  failures: number;
  next_sync_at: string | null;
}

/** A tenant's auto-answer channels (GET/PUT /admin/auto-answer). */
export interface AutoAnswerView {
  tenant: string;
  channels: string[];
  /** AUTO_ANSWER_CHANNELS: every tenant's, changed only in the configuration. */
  configured: string[];
  uncovered: 'silent' | 'react';
}
