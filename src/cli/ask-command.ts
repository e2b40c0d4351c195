import { createInterface } from 'node:readline';
import { renderAnswer } from '../../adapters/terminal/render.js';
import type { Services } from '../composition/services.js';
import { describeError } from '../core/errors.js';
import { printJson } from './output.js';

export async function askCommand(
  services: Services,
  question: string | undefined,
  options: { tenant: string; json?: boolean; stdin?: boolean; thread?: boolean },
): Promise<number> {
  // The CLI speaks for the operator: it reads what was ingested tenant-wide. With --thread,
  // questions of one run share a conversation, so follow-ups work.
  const threadId = options.thread ? `cli:${options.tenant}:${process.pid}` : undefined;
  const answerOne = async (q: string) => {
    try {
      const result = await services.answerer.answer({
        question: q,
        context: { tenantId: options.tenant },
        threadId,
      });
      process.stdout.write(
        options.json ? `${JSON.stringify(result)}\n` : `${renderAnswer(result, { excerpts: true })}\n\n`,
      );
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
