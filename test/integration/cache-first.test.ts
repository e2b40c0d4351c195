import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createServices, type Services } from '../../src/composition/services.js';
import { loadConfig } from '../../src/config.js';
import { slackQuestion } from '../helpers/inbound.js';
import { ScriptedModel } from '../helpers/scripted-model.js';
import { bytesOf } from '../helpers/temp-kb.js';
import { until } from '../helpers/until.js';

// A question that opens a thread is answered from the cache before the graph runs; the thread's
// next question must still see it as history.
let dir: string;
let services: Services;
const cheap = new ScriptedModel('gpt-4o-mini');
const strong = new ScriptedModel('gpt-4o');
const context = { tenantId: 'acme' };

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'docent-cache-first-'));
  services = await createServices(loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent' }), {
    models: { cheap, strong },
  });
  await services.knowledgeBase.ingest({
    tenantId: 'acme',
    scope: 'tenant',
    source: 'keys.md',
    fetchData: bytesOf(
      '# Keys\n\nRotate production keys in Settings.\n\n## Staging\n\nStaging keys rotate nightly.',
    ),
  });
});

afterAll(async () => {
  await services.close();
  await rm(dir, { recursive: true, force: true });
});

it('serves a cached opening question at once, and its thread remembers it', async () => {
  const question = 'how do I rotate production keys?';
  const first = await services.answerer.answer({
    question,
    context,
    threadId: randomUUID(),
    opensThread: true,
  });
  expect(first).toMatchObject({ cached: false, route: 'cheap' });
  const callsBefore = cheap.calls;

  const thread = randomUUID();
  const again = await services.answerer.answer({ question, context, threadId: thread, opensThread: true });
  expect(again).toMatchObject({
    cached: true,
    route: 'cached',
    answer: first.answer,
    sources: first.sources,
  });
  expect(cheap.calls).toBe(callsBefore);

  // The follow-up is rewritten with the cached opening turn in view, once.
  await services.answerer.answer({ question: 'and for staging?', context, threadId: thread });
  expect(cheap.prompts.at(-1)).toContain(`User: ${question}`);
  await services.answerer.answer({ question: 'and how often?', context, threadId: thread });
  const third = cheap.prompts.at(-1) ?? '';
  expect(third.split(`User: ${question}`)).toHaveLength(2);
  expect(third).toContain('User: and for staging?');
});

it('serves a rephrasing of a cached question from the cache, but not a question one word apart', async () => {
  await services.answerer.answer({ question: 'How do I rotate the production keys?', context });
  const callsBefore = cheap.calls;
  const rephrased = await services.answerer.answer({
    question: 'how do I rotate production keys, please',
    context,
  });
  expect(rephrased).toMatchObject({ cached: true, route: 'cached' });
  expect(cheap.calls).toBe(callsBefore);
  const other = await services.answerer.answer({ question: 'How do I rotate the staging keys?', context });
  expect(other.cached).toBe(false);
  expect(cheap.calls).toBeGreaterThan(callsBefore);
});

it('answers a follow-up in a continuing thread through the graph, not from the opening cache', async () => {
  const thread = randomUUID();
  const opening = await services.answerer.answer({
    question: 'how do I rotate production keys?',
    context,
    threadId: thread,
  });
  expect(opening).toMatchObject({ cached: true, route: 'cached' });
  const before = cheap.calls;
  // Cached as a standalone question, but in a thread with history it must be read in context:
  // classified with the thread, then found in the cache under its standalone rewrite.
  const followUp = await services.answerer.answer({
    question: 'how do I rotate production keys?',
    context,
    threadId: thread,
  });
  expect(cheap.prompts.at(-1)).toContain('User: how do I rotate production keys?');
  expect(followUp).toMatchObject({
    cached: true,
    route: 'cached',
    answer: opening.answer,
    sources: opening.sources,
  });
  expect(opening.answer).toBe('From the documents [1].');
  // The classification was the one model call: the answer model was not called a second time.
  expect(cheap.calls).toBe(before + 1);
});

it('misses after ingestion changes the documents, even for an opening question', async () => {
  const question = `where are production keys rotated ${randomUUID().slice(0, 4)}?`;
  await services.answerer.answer({ question, context, opensThread: true, threadId: randomUUID() });
  await services.knowledgeBase.ingest({
    tenantId: 'acme',
    scope: 'tenant',
    source: 'keys-2.md',
    fetchData: bytesOf('# Key vault\n\nProduction keys are also kept in the vault.'),
  });
  const after = await services.answerer.answer({
    question,
    context,
    opensThread: true,
    threadId: randomUUID(),
  });
  expect(after.cached).toBe(false);
});

it('serves a cached answer ahead of the limits, and shows progress at once for a question that waits for the workspace', async () => {
  const limitedDir = await mkdtemp(path.join(tmpdir(), 'docent-cache-first-limits-'));
  let openGate = () => {};
  const gate = new Promise<void>((resolve) => {
    openGate = resolve;
  });
  // Holds any question about holidays until the gate opens: it keeps the workspace's one slot busy.
  class GatedModel extends ScriptedModel {
    override async classify(system: string, prompt: string) {
      if (prompt.includes('holiday')) await gate;
      return super.classify(system, prompt);
    }
  }
  const gated = new GatedModel('gpt-4o-mini');
  const limited = await createServices(
    loadConfig({
      DATA_DIR: limitedDir,
      LOG_LEVEL: 'silent',
      RATE_LIMIT_PER_MINUTE: '1',
      RATE_LIMIT_QUEUE: '0',
      TENANT_MAX_CONCURRENT: '1',
    }),
    { models: { cheap: gated, strong } },
  );
  try {
    await limited.knowledgeBase.ingest({
      tenantId: 'acme',
      scope: 'tenant',
      source: 'keys.md',
      fetchData: bytesOf(
        '# Keys\n\nRotate production keys in Settings.\n\nHolidays are booked in the portal.',
      ),
    });
    const ask = (
      userId: string,
      text: string,
      hooks?: Parameters<Services['handleMessage']>[1],
    ): Promise<Awaited<ReturnType<Services['handleMessage']>>> =>
      limited.handleMessage(slackQuestion(userId, text), hooks);
    const first = await ask('ana', 'how do I rotate production keys?');
    expect(first).toMatchObject({ kind: 'answer', result: { cached: false } });

    // Ben's question takes the workspace's only answering slot and holds it.
    let bensDone = false;
    const bens = ask('ben', 'how do I book a holiday?').then((outcome) => {
      bensDone = true;
      return outcome;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));

    // Ana has used her one question a minute, and the workspace is busy: the cached answer still comes.
    const again = await ask('ana', 'how do I rotate production keys?');
    expect(again).toMatchObject({ kind: 'answer', result: { cached: true, route: 'cached' } });
    expect(bensDone).toBe(false);
    // A question that needs the model is still held to her allowance.
    expect(await ask('ana', 'where are staging keys kept?')).toMatchObject({ kind: 'throttled' });
    // Cy's question must wait for the workspace, but Cy sees it is coming at once.
    let cyShown = false;
    const cys = ask('cy', 'where do I rotate production keys?', {
      onAdmitted: async () => {
        cyShown = true;
      },
    });
    // Shown while Ben's question still holds the slot (it cannot finish before the gate opens);
    // polled rather than slept for, as a busy machine may take longer than a fixed pause.
    await until(() => cyShown, 2000);
    expect(cyShown).toBe(true);
    expect(bensDone).toBe(false);

    // Dana asks what Ben asked, while his question holds the workspace's slot: hers waits.
    const danas = ask('dana', 'how do I book a holiday?');
    openGate();
    expect(await bens).toMatchObject({ kind: 'answer', result: { cached: false } });
    expect(await cys).toMatchObject({ kind: 'answer', result: { cached: false } });
    // By her turn Ben's answer is cached: she gets it without a second model call.
    expect(await danas).toMatchObject({ kind: 'answer', result: { cached: true } });
    expect(gated.prompts.filter((p) => p.includes('holiday'))).toHaveLength(1);
  } finally {
    openGate();
    await limited.close();
    await rm(limitedDir, { recursive: true, force: true });
  }
});
