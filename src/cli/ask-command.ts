import { createInterface } from 'node:readline';
import { askKnowledgeBase } from '../core/ask.js';
import type { Audience } from '../core/types.js';
import { describeError } from '../errors.js';
import type { Services } from '../main.js';
import { formatAnswer, printJson } from './output.js';

export async function askCommand(
  services: Services,
  question: string | undefined,
  options: { tenant: string; json?: boolean; stdin?: boolean },
): Promise<number> {
  // The CLI speaks for the operator: it reads what was ingested tenant-wide.
  const audience: Audience = { tenantId: options.tenant, scopes: ['tenant'] };
  const answerOne = async (q: string) => {
    try {
      const result = await askKnowledgeBase(services.knowledgeBase, q, audience);
      process.stdout.write(options.json ? `${JSON.stringify(result)}\n` : `${formatAnswer(result)}\n\n`);
      return 0;
    } catch (err) {
      if (options.json) printJson({ question: q, error: describeError(err) });
      else process.stderr.write(`error: ${describeError(err)}\n`);
      return 1;
    }
  };
  if (!options.stdin) {
    if (!question?.trim()) {
      process.stderr.write('error: give a question, or --stdin to read one per line\n');
      return 2;
    }
    return answerOne(question.trim());
  }
  let status = 0;
  for await (const line of createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY })) {
    if (line.trim()) status = Math.max(status, await answerOne(line.trim()));
  }
  return status;
}
