import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createServices, type Services } from '../../src/main.js';
import { type FakeOpenAI, startFakeOpenAI } from '../fakes/openai-server.js';
import { requestsFor, scriptQuotingModel } from '../helpers/model-brain.js';
import { bytesOf } from '../helpers/temp-kb.js';

// `docent serve` answers in a worker thread of its own, with its own LanceDB connection, while
// the main thread ingests and keeps the answer cache. What the user sees must not change: fresh
// documents are found at once, cached answers are shared, threads remember their turns.
let dir: string;
let openai: FakeOpenAI;
let services: Services;
const context = { tenantId: 'acme' };

const ingest = (source: string, text: string) =>
  services.knowledgeBase.ingest({ tenantId: 'acme', scope: 'tenant', source, fetchData: bytesOf(text) });

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'docent-answer-thread-'));
  openai = await startFakeOpenAI();
  scriptQuotingModel(openai);
  const config = loadConfig({
    DATA_DIR: dir,
    LOG_LEVEL: 'silent',
    OPENAI_API_KEY: 'test',
    OPENAI_BASE_URL: openai.url,
    EMBEDDINGS: 'local',
  });
  services = await createServices(config, { answerThread: true });
  await services.readiness.answering?.();
  await ingest('keys.md', '# Keys\n\nRotate production keys in Settings, then redeploy.');
});

afterAll(async () => {
  await services?.close();
  await openai?.close();
  await rm(dir, { recursive: true, force: true });
});

it('answers from the thread, and the main thread serves the answer it cached', async () => {
  const question = 'how do I rotate production keys?';
  const first = await services.answerer.answer({ question, context });
  expect(first.cached).toBe(false);
  expect(first.answer).toContain('Rotate production keys in Settings');
  expect(first.sources[0]?.source).toBe('keys.md');
  expect(requestsFor(openai, 'gpt-4o-mini', 'grounded_answer').length).toBeGreaterThan(0);

  const again = await services.answerer.lookUpCached({ question, context });
  expect(again?.cached).toBe(true);
  expect(again?.answer).toBe(first.answer);
});

it('finds a document the main thread has just ingested, and stops serving answers it made stale', async () => {
  const question = 'how do I restore a backup?';
  const before = await services.answerer.answer({ question, context });
  expect(before.sources.map((s) => s.source)).not.toContain('backups.md');

  // No wait: the thread's next search reads the new passages, not a snapshot seconds old.
  await ingest('backups.md', '# Backups\n\nRestore a backup from the Backups page, newest first.');
  const after = await services.answerer.answer({ question, context });
  expect(after.cached).toBe(false);
  expect(after.sources[0]?.source).toBe('backups.md');
  expect(after.answer).toContain('Restore a backup from the Backups page');
});

it('remembers a thread opened from the cache when its next question reaches the graph', async () => {
  const threadId = randomUUID();
  // Answered once more since the last ingestion made the earlier answer stale.
  await services.answerer.answer({ question: 'how do I rotate production keys?', context });
  const opening = await services.answerer.answer({
    question: 'how do I rotate production keys?',
    context,
    threadId,
    opensThread: true,
  });
  expect(opening.cached).toBe(true);
  const followUp = await services.answerer.answer({ question: 'and then what?', context, threadId });
  // The classifier rewrote the follow-up with the opening question, which only the cache knew.
  const classified = requestsFor(openai, 'gpt-4o-mini', 'classification').at(-1);
  expect(JSON.stringify(classified?.body)).toContain('how do I rotate production keys?');
  expect(followUp.route).not.toBe('error');
});
