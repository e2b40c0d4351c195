import { readFile } from 'node:fs/promises';
import { evaluate, parseEvalCases } from '../eval/evaluate.js';
import type { Services } from '../main.js';
import { printJson } from './output.js';

export async function evalCommand(
  services: Services,
  file: string,
  options: { tenant: string; json?: boolean; mode: 'hybrid' | 'vector' | 'bm25' },
): Promise<number> {
  const cases = parseEvalCases(await readFile(file, 'utf8'));
  const report = await evaluate(
    services.knowledgeBase,
    services.answerer,
    cases,
    { tenantId: options.tenant, scopes: ['tenant'] },
    options.mode,
  );
  if (options.json) {
    printJson(report);
    return 0;
  }
  const lines = [
    `questions    ${report.questions} (${report.mode})`,
    `recall@1     ${report.recall_at_1}`,
    `recall@5     ${report.recall_at_5}`,
    `MRR          ${report.mrr}`,
    ...(report.answer_match === undefined ? [] : [`answer match ${report.answer_match}`]),
    `latency      p50 ${report.latency_ms.p50} ms, p95 ${report.latency_ms.p95} ms`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
