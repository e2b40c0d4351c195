import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SMALLTALK_REPLY } from '../../graphs/answer/offline-classifier.js';
import { BUDGET_SPENT_NOTE } from '../../graphs/answer/replies.js';
import { createServices, type Services } from '../../src/composition/services.js';
import { loadConfig } from '../../src/config.js';
import { type FakeOpenAI, startFakeOpenAI } from '../fakes/openai-server.js';
import { grounded, requestsFor, scriptModel } from '../helpers/model-brain.js';
import { bytesOf } from '../helpers/temp-kb.js';

const CHEAP = 'gpt-4o-mini';
const STRONG = 'gpt-4o';
// One question the cheap model answers: classification (200 + 20) and answer (1000 + 100).
const ONE_QUESTION = 1320;
const KEYS = '# API keys\n\nRotate the production API key from Settings, then API, then Rotate.';
const LEAVE = '# Leave\n\nEveryone gets 25 days of paid leave a year.';

let server: FakeOpenAI;
let dir: string;

const env = (extra: Record<string, string> = {}) =>
  loadConfig({
    DATA_DIR: dir,
    OPENAI_API_KEY: 'test',
    OPENAI_BASE_URL: server.url,
    EMBEDDINGS: 'local',
    LLM_MAX_RETRIES: '0',
    LOG_LEVEL: 'silent',
    DAILY_TOKEN_BUDGET: String(ONE_QUESTION),
    ...extra,
  });

async function ingest(services: Services, tenantId: string) {
  for (const [source, text] of Object.entries({ 'keys.md': KEYS, 'leave.md': LEAVE })) {
    await services.knowledgeBase.ingest({ tenantId, scope: 'tenant', source, fetchData: bytesOf(text) });
  }
}

/** Waits for an instance's Redis connection, as a load balancer's readiness check would. */
async function ready(services: Services) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await services.readiness.redis?.();
    } catch (error) {
      if (attempt > 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

const ask = (services: Services, question: string, tenantId = 'acme') =>
  services.answerer.answer({ question, context: { tenantId } });

beforeAll(async () => {
  server = await startFakeOpenAI();
  dir = await mkdtemp(path.join(tmpdir(), 'docent-budget-'));
});

afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  server.script.reset();
  server.requests.length = 0;
  scriptModel(server, CHEAP, { answer: () => grounded('From the documents [1].') });
});

describe('a daily token budget per tenant', () => {
  let services: Services;
  let now: Date;
  let day = 0;

  beforeAll(async () => {
    services = await createServices(env(), { now: () => now });
    await ingest(services, 'acme');
    await ingest(services, 'globex');
  });

  afterAll(async () => services.close());

  beforeEach(async () => {
    // Every test starts on a fresh UTC day, with the whole budget.
    day++;
    now = new Date(Date.UTC(2025, 2, day, 12));
    await services.cache.flush();
  });

  it('answers with the model while the tenant is under its budget', async () => {
    const result = await ask(services, 'how much paid leave do we get?');
    expect(result).toMatchObject({ route: 'cheap', model: CHEAP, answer: 'From the documents [1].' });
    expect(result.note).toBeUndefined();
    expect(result.tokens).toEqual({ input: 1200, output: 120 });
  });

  it('quotes the documents with a note once the day’s budget is spent, calling no model', async () => {
    await ask(services, 'how much paid leave do we get?');
    server.requests.length = 0;
    const result = await ask(services, 'how do I rotate the API key?');
    expect(result.route).toBe('over_budget');
    expect(result.note).toBe(BUDGET_SPENT_NOTE);
    expect(result.answer).toMatch(/Rotate the production API key.*\[1\]/);
    expect(result.sources[0]?.source).toBe('keys.md');
    expect(result.tokens).toEqual({ input: 0, output: 0 });
    expect(server.requests).toHaveLength(0);
  });

  it('still serves a cached model answer once the budget is spent', async () => {
    const first = await ask(services, 'how much paid leave do we get?');
    server.requests.length = 0;
    const again = await ask(services, 'how much paid leave do we get?');
    expect(again).toMatchObject({ cached: true, route: 'cached', answer: first.answer });
    expect(again.note).toBeUndefined();
    expect(server.requests).toHaveLength(0);
  });

  it('answers smalltalk without the classifier once the budget is spent', async () => {
    await ask(services, 'how much paid leave do we get?');
    const result = await ask(services, 'thanks!');
    expect(result).toMatchObject({ answer: SMALLTALK_REPLY, route: 'smalltalk' });
    expect(requestsFor(server, CHEAP, 'classification')).toHaveLength(1);
  });

  it('does not escalate past the budget: the documents are quoted instead', async () => {
    scriptModel(server, CHEAP, { answer: () => grounded('Somewhere in Settings, probably.', []) });
    const result = await ask(services, 'how do I rotate the API key?');
    expect(result).toMatchObject({ route: 'over_budget', note: BUDGET_SPENT_NOTE });
    expect(result.answer).toMatch(/Rotate the production API key.*\[1\]/);
    expect(requestsFor(server, STRONG, 'grounded_answer')).toHaveLength(0);
  });

  it('holds each tenant to its own budget', async () => {
    await ask(services, 'how much paid leave do we get?', 'acme');
    const other = await ask(services, 'how do I rotate the API key?', 'globex');
    expect(other).toMatchObject({ route: 'cheap', answer: 'From the documents [1].' });
    expect((await ask(services, 'how do I rotate the API key?', 'acme')).route).toBe('over_budget');
  });

  it('gives the model back at 00:00 UTC, without having cached the quoted answer', async () => {
    now = new Date(Date.UTC(2025, 2, day, 23, 59, 30));
    await ask(services, 'how much paid leave do we get?');
    expect((await ask(services, 'how do I rotate the API key?')).route).toBe('over_budget');
    now = new Date(Date.UTC(2025, 2, day + 1, 0, 0, 5));
    const result = await ask(services, 'how do I rotate the API key?');
    expect(result).toMatchObject({ route: 'cheap', cached: false, answer: 'From the documents [1].' });
    expect(result.note).toBeUndefined();
  });
});

describe('a daily token budget with Redis', () => {
  const instances: Services[] = [];
  afterEach(async () => {
    for (const services of instances.splice(0)) await services.close();
  });

  it('is one budget per tenant across instances', async () => {
    const tenantId = `acme-${randomUUID().slice(0, 8)}`;
    const a = await createServices(env({ REDIS_URL: 'redis://127.0.0.1:6379' }));
    instances.push(a);
    await ingest(a, tenantId);
    const b = await createServices(env({ REDIS_URL: 'redis://127.0.0.1:6379' }));
    instances.push(b);
    await Promise.all([ready(a), ready(b)]);
    expect((await ask(a, 'how much paid leave do we get?', tenantId)).route).toBe('cheap');
    server.requests.length = 0;
    const onB = await ask(b, 'how do I rotate the API key?', tenantId);
    expect(onB).toMatchObject({ route: 'over_budget', note: BUDGET_SPENT_NOTE });
    expect(server.requests).toHaveLength(0);
  });

  it('keeps answering with a dead Redis, holding the tenant to what this instance spent', async () => {
    const tenantId = `acme-${randomUUID().slice(0, 8)}`;
    const services = await createServices(env({ REDIS_URL: 'redis://127.0.0.1:1' }));
    instances.push(services);
    await ingest(services, tenantId);
    const first = await ask(services, 'how much paid leave do we get?', tenantId);
    expect(first).toMatchObject({ route: 'cheap', answer: 'From the documents [1].' });
    expect(first.latency_ms).toBeLessThan(1000);
    const second = await ask(services, 'how do I rotate the API key?', tenantId);
    expect(second).toMatchObject({ route: 'over_budget', note: BUDGET_SPENT_NOTE });
  });
});
