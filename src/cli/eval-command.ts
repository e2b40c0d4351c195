import { readFile } from 'node:fs/promises';
import type { Services } from '../composition/services.js';
import type { EvalPart } from '../eval/cases.js';
import { type EvalReport, evaluateCases, parseEvalCases, summarize } from '../eval/evaluate.js';
import { printJson } from './output.js';

const PARTS: EvalPart[] = ['tune', 'held-out'];

export async function evalCommand(
  services: Services,
  file: string,
  options: { tenant: string; json?: boolean; mode: 'hybrid' | 'vector' | 'bm25' },
): Promise<number> {
  const cases = parseEvalCases(await readFile(file, 'utf8'));
  const kb = services.knowledgeBase;
  // The answerer searches as `ask` does (hybrid); its answers say nothing about another mode.
  const answerer = options.mode === 'hybrid' ? services.answerer : undefined;
  const outcomes = await evaluateCases(
    kb,
    cases,
    { tenantId: options.tenant, scopes: ['tenant'] },
    {
      mode: options.mode,
      answerer,
    },
  );
  const report = summarize(outcomes, options.mode, kb.topK);
  const parts = Object.fromEntries(
    PARTS.map((part) => [part, outcomes.filter((o) => o.part === part)] as const)
      .filter(([, some]) => some.length > 0)
      .map(([part, some]) => [part, summarize(some, options.mode, kb.topK)]),
  ) as Partial<Record<EvalPart, EvalReport>>;
  const withParts = Object.keys(parts).length > 0 ? { ...report, parts } : report;
  if (options.json) {
    printJson(withParts);
    return 0;
  }
  const sections = [
    describe(report, `${report.questions} questions (${report.mode}, top ${report.k})`),
    ...Object.entries(parts).map(([part, r]) => describe(r, `${part}: ${r.questions} questions`)),
  ];
  if (!answerer) sections.push('answer match is measured with --mode hybrid, the retrieval ask uses');
  process.stdout.write(`${sections.join('\n\n')}\n`);
  return 0;
}

function describe(report: EvalReport, heading: string): string {
  return [
    heading,
    `recall@1     ${report.recall_at_1}`,
    `recall@5     ${report.recall_at_5}`,
    `MRR          ${report.mrr}`,
    ...(report.answer_match === undefined ? [] : [`answer match ${report.answer_match}`]),
    `latency      p50 ${report.latency_ms.p50} ms, p95 ${report.latency_ms.p95} ms`,
  ].join('\n');
}
