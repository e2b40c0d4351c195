import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatRequest } from '../fakes/openai-server.js';
import { type FakeOpenAI, startFakeOpenAI } from '../fakes/openai-server.js';
import { type RunningService, startHttpService } from '../helpers/http-service.js';
import { requestsFor, scriptQuotingModel, userText } from '../helpers/model-brain.js';
import { bytesOf } from '../helpers/temp-kb.js';

// The single token reads the default tenant; the list binds each further token to its tenant.
const DEFAULT_TOKEN = 'default-token-0123456789';
const SECOND_DEFAULT_TOKEN = 'default-token-second-0123';
const GLOBEX_TOKEN = 'globex-token-0123456789';
const TOKENS = {
  DOCENT_API_TOKEN: DEFAULT_TOKEN,
  DOCENT_API_TOKENS: `default:${SECOND_DEFAULT_TOKEN},globex:${GLOBEX_TOKEN}`,
};

const query = (svc: RunningService, token: string | undefined, body: Record<string, unknown>) =>
  fetch(`${svc.url}/api/v1/query`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify(body),
  });

describe('API tokens read one tenant', () => {
  let svc: RunningService;
  beforeAll(async () => {
    svc = await startHttpService(TOKENS);
    await svc.services.knowledgeBase.ingest({
      tenantId: 'globex',
      scope: 'tenant',
      source: 'merger.md',
      fetchData: bytesOf('# Merger\n\nThe Initech merger closes on the ninth of May.'),
    });
  });
  afterAll(() => svc.stop());

  it("refuses a body naming another tenant than the token's, and reveals nothing of it", async () => {
    const res = await query(svc, DEFAULT_TOKEN, {
      question: 'when does the merger close?',
      tenant: 'globex',
    });
    const text = await res.text();
    expect(res.status).toBe(403);
    expect(JSON.parse(text)).toEqual({
      error: 'wrong_tenant',
      message: 'This token reads tenant "default" only; leave "tenant" out or send "default".',
    });
    expect(text).not.toContain('ninth of May');
  });

  it("answers from the token's own tenant, named or not", async () => {
    for (const body of [{}, { tenant: 'globex' }]) {
      const res = await query(svc, GLOBEX_TOKEN, { question: 'when does the merger close?', ...body });
      expect(res.status).toBe(200);
      expect((await res.json()).answer).toContain('ninth of May');
    }
    const other = await (await query(svc, DEFAULT_TOKEN, { question: 'when does the merger close?' })).json();
    expect(other.answer).not.toContain('ninth of May');
  });
});

describe('limits follow the token, not the session id', () => {
  it('counts every session of one token against one allowance, and other tokens against theirs', async () => {
    const svc = await startHttpService({ ...TOKENS, RATE_LIMIT_PER_MINUTE: '1', RATE_LIMIT_QUEUE: '0' });
    try {
      expect((await query(svc, DEFAULT_TOKEN, { question: 'anything?', session_id: 'one' })).status).toBe(
        200,
      );
      const fresh = await query(svc, DEFAULT_TOKEN, { question: 'anything?', session_id: 'two' });
      expect(fresh.status).toBe(429);
      expect(Number(fresh.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await query(svc, DEFAULT_TOKEN, { question: 'anything?' })).status).toBe(429);
      // Another token of the same tenant has an allowance of its own.
      expect((await query(svc, SECOND_DEFAULT_TOKEN, { question: 'anything?' })).status).toBe(200);
    } finally {
      await svc.stop();
    }
  });
});

describe('sessions belong to the token that opened them', () => {
  let openai: FakeOpenAI;
  let svc: RunningService;
  beforeAll(async () => {
    openai = await startFakeOpenAI();
    scriptQuotingModel(openai);
    svc = await startHttpService({
      ...TOKENS,
      OPENAI_API_KEY: 'test',
      OPENAI_BASE_URL: openai.url,
      EMBEDDINGS: 'local',
    });
    await svc.services.knowledgeBase.ingest({
      tenantId: 'default',
      scope: 'tenant',
      source: 'keys.md',
      fetchData: bytesOf('# API keys\n\nRotate the production API key from Settings, then API, then Rotate.'),
    });
  });
  afterAll(async () => {
    await svc.stop();
    await openai.close();
  });

  /** What the model was shown as the conversation so far when asked `question`. */
  const historyShownFor = (question: string) =>
    requestsFor(openai, 'gpt-4o-mini', 'classification')
      .map((r) => userText(r.body as unknown as ChatRequest))
      .filter((prompt) => prompt.endsWith(question))
      .join('\n');

  it('does not let another token continue (and read) a session by its id', async () => {
    const opened = await query(svc, DEFAULT_TOKEN, {
      question: 'how do I rotate the API key?',
      session_id: 'shared-id',
    });
    expect(opened.status).toBe(200);
    const intruder = await query(svc, SECOND_DEFAULT_TOKEN, {
      question: 'what about the earlier question?',
      session_id: 'shared-id',
    });
    expect(intruder.status).toBe(200);
    expect(historyShownFor('what about the earlier question?')).not.toContain('how do I rotate the API key?');
    // The token that opened it continues it.
    await query(svc, DEFAULT_TOKEN, { question: 'and for staging?', session_id: 'shared-id' });
    expect(historyShownFor('and for staging?')).toContain('User: how do I rotate the API key?');
  });
});

describe('failed attempts', () => {
  it('never lock out a valid token, and Retry-After says when the next attempt is looked at', async () => {
    // Every client here shares 127.0.0.1, as every client behind one proxy shares its address.
    const svc = await startHttpService(TOKENS);
    try {
      const missing = await query(svc, undefined, { question: 'anything?' });
      expect(missing.status).toBe(401);
      expect((await missing.json()).message).toBe(
        'No token: send Authorization: Bearer <token> to use /api.',
      );
      for (let i = 0; i < 4; i++) {
        const wrong = await query(svc, 'guess', { question: 'anything?' });
        expect(wrong.status).toBe(401);
        expect((await wrong.json()).message).toBe('The bearer token is not valid for /api.');
      }
      const waiting = await query(svc, 'guess', { question: 'anything?' });
      expect(waiting.status).toBe(429);
      const retryAfter = Number(waiting.headers.get('retry-after'));
      expect(retryAfter).toBe(1);
      expect((await query(svc, DEFAULT_TOKEN, { question: 'anything?' })).status).toBe(200);
      expect((await query(svc, GLOBEX_TOKEN, { question: 'anything?' })).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000));
      // Looked at again, and refused for what it is.
      expect((await query(svc, 'guess', { question: 'anything?' })).status).toBe(401);
      expect((await query(svc, 'guess', { question: 'anything?' })).headers.get('retry-after')).toBe('2');
    } finally {
      await svc.stop();
    }
  });
});
