import path from 'node:path';
import type { Answerer } from '../core/ask.js';
import type { KnowledgeBase } from '../core/knowledge-base.js';
import type { Audience, Passage } from '../core/types.js';
import { DocentError } from '../errors.js';

export interface EvalCase {
  question: string;
  answer?: string;
  /** File names, relative sources or doc ids; any one of them counts as relevant. */
  sources: string[];
}

export interface EvalReport {
  questions: number;
  mode: string;
  recall_at_1: number;
  recall_at_5: number;
  mrr: number;
  answer_match?: number;
  latency_ms: { p50: number; p95: number };
}

const EVAL_DEPTH = 10;

export function parseEvalCases(jsonl: string): EvalCase[] {
  return jsonl
    .split('\n')
    .map((line, i) => ({ line: line.trim(), n: i + 1 }))
    .filter(({ line }) => line !== '')
    .map(({ line, n }) => {
      let value: Partial<EvalCase>;
      try {
        value = JSON.parse(line);
      } catch {
        throw new DocentError('invalid_input', `line ${n}: not valid JSON`);
      }
      if (typeof value.question !== 'string' || !Array.isArray(value.sources) || value.sources.length === 0) {
        throw new DocentError(
          'invalid_input',
          `line ${n}: needs "question" (string) and "sources" (non-empty array)`,
        );
      }
      return { question: value.question, answer: value.answer, sources: value.sources.map(String) };
    });
}

function isRelevant(p: Passage, expected: string[]): boolean {
  return expected.some((s) => s === p.docId || s === p.source || s === path.posix.basename(p.source));
}

export function percentile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

export async function evaluate(
  kb: KnowledgeBase,
  answerer: Answerer,
  cases: EvalCase[],
  audience: Audience,
  mode: 'hybrid' | 'vector' | 'bm25' = 'hybrid',
): Promise<EvalReport> {
  let hits1 = 0;
  let hits5 = 0;
  let reciprocal = 0;
  let answered = 0;
  let matched = 0;
  const latencies: number[] = [];
  for (const c of cases) {
    const started = performance.now();
    const passages = await kb.search(c.question, audience, { k: EVAL_DEPTH, mode });
    latencies.push(performance.now() - started);
    const rank = passages.findIndex((p) => isRelevant(p, c.sources));
    if (rank === 0) hits1++;
    if (rank >= 0 && rank < 5) hits5++;
    if (rank >= 0) reciprocal += 1 / (rank + 1);
    if (c.answer) {
      answered++;
      const result = await answerer.answer({
        question: c.question,
        context: { tenantId: audience.tenantId },
      });
      if (result.answer.toLowerCase().includes(c.answer.toLowerCase())) matched++;
    }
  }
  const n = cases.length || 1;
  return {
    questions: cases.length,
    mode,
    recall_at_1: round(hits1 / n),
    recall_at_5: round(hits5 / n),
    mrr: round(reciprocal / n),
    answer_match: answered ? round(matched / answered) : undefined,
    latency_ms: { p50: round(percentile(latencies, 0.5)), p95: round(percentile(latencies, 0.95)) },
  };
}
