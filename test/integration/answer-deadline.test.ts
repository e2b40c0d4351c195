import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MODEL_LATE_NOTE, SEARCH_LATE_REPLY } from '../../graphs/answer/replies.js';
import { createServices, type Services } from '../../src/composition/services.js';
import { loadConfig } from '../../src/config.js';
import { type FakeOpenAI, startFakeOpenAI } from '../fakes/openai-server.js';
import { grounded, scriptModel } from '../helpers/model-brain.js';
import { bytesOf } from '../helpers/temp-kb.js';

const DEADLINE_MS = 1500;
// A model that never answers: the client's per-call timeout or the question's deadline ends each call.
const HANGS = { status: 500, delayMs: 60_000 };

let server: FakeOpenAI;
let dir: string;
let services: Services;

/** Services with a 1.5 s deadline on a knowledge base of their own, holding one document on API keys. */
async function servicesWith(name: string, env: Record<string, string>): Promise<Services> {
  const started = await createServices(
    loadConfig({
      DATA_DIR: path.join(dir, name),
      OPENAI_API_KEY: 'test',
      OPENAI_BASE_URL: server.url,
      LLM_TIMEOUT_MS: '1000',
      LLM_MAX_RETRIES: '2',
      ANSWER_DEADLINE_MS: String(DEADLINE_MS),
      LOG_LEVEL: 'silent',
      ...env,
    }),
  );
  await started.knowledgeBase.ingest({
    tenantId: 'acme',
    scope: 'tenant',
    source: 'keys.md',
    fetchData: bytesOf(
      '# API keys\n\nRotate the production API key from Settings, then API, then Rotate. The old key works for 24 hours.',
    ),
  });
  return started;
}

beforeAll(async () => {
  server = await startFakeOpenAI();
  dir = await mkdtemp(path.join(tmpdir(), 'docent-deadline-'));
  services = await servicesWith('local-embeddings', { EMBEDDINGS: 'local' });
});

afterAll(async () => {
  await services?.close();
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  server.script.reset();
  server.requests.length = 0;
  await services.cache.flush();
});

const chatCalls = () => server.requests.filter((r) => r.path === '/v1/chat/completions').length;

describe('one deadline per question', () => {
  it('quotes the passages with a note once the deadline passes while every model hangs', async () => {
    server.script.on('*', HANGS);
    const started = Date.now();
    const result = await services.answerer.answer({
      question: 'how do I rotate the production API key?',
      context: { tenantId: 'acme' },
    });
    const elapsed = Date.now() - started;
    expect(result.note).toBe(MODEL_LATE_NOTE);
    expect(result.answer).toContain('Rotate the production API key from Settings');
    expect(result.sources[0]?.source).toBe('keys.md');
    expect(elapsed).toBeLessThan(DEADLINE_MS + 3000);
    // Classify, answer and escalate with their retries would be 9 calls; the deadline stops them.
    expect(chatCalls()).toBeLessThanOrEqual(3);
    // A stand-in answer is not cached: the next question tries the model again.
    server.script.reset();
    scriptModel(server, 'gpt-4o-mini', { answer: () => grounded('Use Settings → API → Rotate [1].') });
    const next = await services.answerer.answer({
      question: 'how do I rotate the production API key?',
      context: { tenantId: 'acme' },
    });
    expect(next).toMatchObject({ answer: 'Use Settings → API → Rotate [1].', cached: false });
    expect(next.note).toBeUndefined();
  }, 20_000);

  it('keeps a usable cheap answer when the strong model runs out the clock', async () => {
    scriptModel(server, 'gpt-4o-mini', { answer: () => grounded('Probably Settings [1].', [1], 'low') });
    server.script.on('gpt-4o', HANGS);
    const started = Date.now();
    const result = await services.answerer.answer({
      question: 'how do I rotate the production API key?',
      context: { tenantId: 'acme' },
    });
    expect(Date.now() - started).toBeLessThan(DEADLINE_MS + 3000);
    expect(result).toMatchObject({ answer: 'Probably Settings [1].', route: 'cheap' });
  }, 20_000);

  it('answers in time when searching hangs because the embeddings endpoint does', async () => {
    const remote = await servicesWith('remote-embeddings', { INGEST_THREADS: '0' });
    try {
      server.script.once('text-embedding-3-small', HANGS, 10);
      const started = Date.now();
      const result = await remote.answerer.answer({
        question: 'how do I rotate the production API key?',
        context: { tenantId: 'acme' },
      });
      expect(Date.now() - started).toBeLessThan(DEADLINE_MS + 3000);
      expect(result).toMatchObject({ answer: SEARCH_LATE_REPLY, sources: [] });
    } finally {
      await remote.close();
    }
  }, 20_000);
});
