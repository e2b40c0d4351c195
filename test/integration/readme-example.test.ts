import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { CONFIG_VARIABLES } from '../../src/config.js';
import { runCli } from '../helpers/run-cli.js';

/** README's example chat: each question after `you › ` and the reply printed after it. */
async function readmeExchange(): Promise<{ question: string; reply: string }[]> {
  const readme = await readFile('README.md', 'utf8');
  const block = /```\n(you › [\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error('README has no example chat');
  return block
    .split(/^you › /m)
    .slice(1)
    .map((turn) => {
      const [question = '', ...reply] = turn.split('\n');
      return { question, reply: reply.join('\n').trim() };
    });
}

// Latency is the one figure that changes from run to run.
const sameRun = (text: string) => text.replace(/, \d+ ms$/gm, ', N ms');

it('answers README’s example questions in `docent demo` exactly as README shows', async () => {
  const exchange = await readmeExchange();
  expect(exchange.length).toBeGreaterThan(0);
  // From the checkout, as README says; every setting is given (empty: the default), so a
  // developer's own .env there changes nothing.
  const result = await runCli(['demo'], {
    cwd: process.cwd(),
    env: Object.fromEntries(CONFIG_VARIABLES.map((name) => [name, ''])),
    input: `${exchange.map((turn) => turn.question).join('\n')}\n`,
  });
  expect(result.code, result.stderr).toBe(0);
  const replies = result.stdout
    .split(/^(?=docent › )/m)
    .slice(1)
    .map((reply) => reply.trim());
  expect(replies.map(sameRun)).toEqual(exchange.map((turn) => sameRun(turn.reply)));
}, 60_000);
