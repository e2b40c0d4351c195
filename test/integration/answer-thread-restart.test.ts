import { afterAll, expect, it } from 'vitest';
import { AnswerThread } from '../../src/answer-thread/answer-thread.js';
import { createAnswerCache } from '../../src/backends.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';

// A thread that dies must cost only the questions it held: they fail at once (their askers get
// the apology), later ones do not hang, and the thread is back within seconds.
const config = loadConfig({ LOG_LEVEL: 'silent' });
const logger = createLogger('silent');
const thread = new AnswerThread(
  config,
  await createAnswerCache(config, logger),
  logger,
  new URL('../fakes/fragile-answer-thread.ts', import.meta.url),
);
const options = { configurable: { thread_id: 't' }, durability: 'exit' as const };
const ask = (question: string) => thread.invoke({ question }, options) as Promise<unknown>;

afterAll(() => thread.close());

it('fails the questions a dying thread held, and answers again once it is restarted', async () => {
  await thread.ready();
  await expect(ask('first')).resolves.toEqual({ answer: 'answered: first' });
  await expect(ask('crash')).rejects.toThrow(/answer thread stopped/);
  // While it restarts, a question fails at once instead of waiting for a reply that never comes.
  await expect(ask('meanwhile')).rejects.toThrow(/answer thread stopped/);
  const deadline = Date.now() + 10_000;
  while (
    !(await ask('later').then(
      () => true,
      () => false,
    ))
  ) {
    if (Date.now() > deadline) throw new Error('the answer thread was not restarted within 10 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  await expect(ask('again')).resolves.toEqual({ answer: 'answered: again' });
});
