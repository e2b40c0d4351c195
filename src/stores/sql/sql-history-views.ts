import type { DayFigures, HistorySummary, QuestionView } from '../../core/ports/history-store.js';
import type { SqlRow } from './sql-client.js';

// How the history's rows read back as the admin API's shapes. Databases return counts as bigint
// (DuckDB) or strings (PostgreSQL): both become numbers here.
const DAY_MS = 86_400_000;
const isoDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
const round = (x: number, digits = 4) => Number(x.toFixed(digits));
export const count = (value: unknown) => Number(value ?? 0);
const optionalNumber = (value: unknown) => (value === null || value === undefined ? null : Number(value));

export function toQuestionView(r: SqlRow): QuestionView {
  const text = (value: unknown) => (value === null || value === undefined ? null : String(value));
  return {
    answer_id: String(r.answer_id),
    at: new Date(Number(r.asked_ms)).toISOString(),
    tenant_id: String(r.tenant_id),
    platform: String(r.platform),
    scope: String(r.scope),
    question: text(r.question),
    answer: text(r.answer),
    route: String(r.route),
    model: String(r.model),
    cached: Boolean(r.cached),
    covered: Boolean(r.covered),
    tokens: { input: count(r.tokens_in), output: count(r.tokens_out) },
    cost_usd: Number(r.cost_usd),
    latency_ms: count(r.latency_ms),
    sources: JSON.parse(String(r.sources)),
    trace_id: text(r.trace_id),
  };
}

export function summarise(days: SqlRow[], votes: SqlRow[]): HistorySummary {
  const perDay: DayFigures[] = days.map((d) => ({
    day: isoDay(Number(d.day)),
    questions: count(d.questions),
    cached: count(d.cached),
    escalated: count(d.escalated),
    unanswered: count(d.unanswered),
    tokens_in: count(d.tokens_in),
    tokens_out: count(d.tokens_out),
    cost_usd: round(count(d.cost_usd), 6),
    p50_latency_ms: optionalNumber(d.p50),
    p95_latency_ms: optionalNumber(d.p95),
  }));
  const total = (field: 'questions' | 'cached' | 'escalated' | 'unanswered') =>
    perDay.reduce((sum, d) => sum + d[field], 0);
  const byModel = days.reduce((sum, d) => sum + count(d.by_model), 0);
  const questions = total('questions');
  const up = count(votes.find((v) => v.vote === 'up')?.n);
  const down = count(votes.find((v) => v.vote === 'down')?.n);
  const rate = (part: number, whole: number) => (whole ? round(part / whole) : 0);
  return {
    questions,
    cache_hit_rate: rate(total('cached'), questions),
    escalation_rate: rate(total('escalated'), byModel),
    unanswered_rate: rate(total('unanswered'), questions),
    feedback: { up, down, positive_ratio: up + down ? round(up / (up + down)) : null },
    per_day: perDay,
  };
}
