import type { Answerer } from '../core/ask.js';
import type { KnowledgeBase } from '../core/knowledge-base.js';
import type { Audience, SearchRequest } from '../core/types.js';
import { answerContains, type EvalCase, isRelevant } from './cases.js';

export { type EvalCase, parseEvalCases } from './cases.js';

export interface EvalReport {
  questions: number;
  mode: string;
  /** Passages ranked per question: the TOP_K that answering quotes from. */
  k: number;
  recall_at_1: number;
  recall_at_5: number;
  mrr: number;
  /** Share of the questions with an expected answer whose answer, as `ask` gives it, contains it. */
  answer_match?: number;
  latency_ms: { p50: number; p95: number };
}

export interface EvalOptions {
  mode?: NonNullable<SearchRequest['mode']>;
  /**
   * Answers as `ask` does, from passages retrieved in `mode`; without it the answers are not
   * checked (the configured answerer only ever searches the way it was configured to).
   */
  answerer?: Answerer;
}

export function percentile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** What one question gave: where the first passage of a right file ranked, and the answer. */
export interface CaseOutcome {
  part?: EvalCase['part'];
  /** 0-based; -1 when no passage came from a right file. */
  rank: number;
  /** Undefined when the answer was not checked. */
  answerMatched?: boolean;
  /** The answer given and the phrase it was checked for, when it was checked. */
  answer?: { question: string; given: string; expected: string };
  searchMs: number;
}

/**
 * Retrieval and answers measured on what `ask` uses: the same search (TOP_K passages, no deeper
 * candidate list) and, given an answerer, the answer `ask` would print.
 */
export async function evaluateCases(
  kb: KnowledgeBase,
  cases: EvalCase[],
  audience: Audience,
  options: EvalOptions = {},
): Promise<CaseOutcome[]> {
  const outcomes: CaseOutcome[] = [];
  for (const c of cases) {
    const started = performance.now();
    const passages = await kb.search(c.question, audience, { mode: options.mode });
    const searchMs = performance.now() - started;
    let answerMatched: boolean | undefined;
    let answer: CaseOutcome['answer'];
    if (c.answer && options.answerer) {
      const result = await options.answerer.answer({
        question: c.question,
        context: { tenantId: audience.tenantId },
      });
      answerMatched = answerContains(result.answer, c.answer);
      answer = { question: c.question, given: result.answer, expected: c.answer };
    }
    outcomes.push({
      part: c.part,
      rank: passages.findIndex((p) => isRelevant(p, c.sources)),
      answerMatched,
      answer,
      searchMs,
    });
  }
  return outcomes;
}

/** A file counts as found at rank r when one of the first r passages comes from it. */
export function summarize(outcomes: CaseOutcome[], mode: string, k: number): EvalReport {
  const n = outcomes.length || 1;
  const share = (count: number, of = n) => round(count / of);
  const checked = outcomes.filter((o) => o.answerMatched !== undefined);
  return {
    questions: outcomes.length,
    mode,
    k,
    recall_at_1: share(outcomes.filter((o) => o.rank === 0).length),
    recall_at_5: share(outcomes.filter((o) => o.rank >= 0 && o.rank < 5).length),
    mrr: share(outcomes.reduce((sum, o) => sum + (o.rank >= 0 ? 1 / (o.rank + 1) : 0), 0)),
    answer_match: checked.length
      ? share(checked.filter((o) => o.answerMatched).length, checked.length)
      : undefined,
    latency_ms: {
      p50: round(
        percentile(
          outcomes.map((o) => o.searchMs),
          0.5,
        ),
      ),
      p95: round(
        percentile(
          outcomes.map((o) => o.searchMs),
          0.95,
        ),
      ),
    },
  };
}
