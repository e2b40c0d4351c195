import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TraceStepView, TraceView } from '../../src/core/ports/trace-store.js';
import { type FakeOpenAI, startFakeOpenAI } from '../fakes/openai-server.js';
import { type RunningService, startHttpService } from '../helpers/http-service.js';
import { scriptQuotingModel } from '../helpers/model-brain.js';
import { bytesOf } from '../helpers/temp-kb.js';

const ACME = 'acme-token-0123456789abcdef';
const GLOBEX = 'globex-token-0123456789abcdef';
const ADMIN = 'admin-token-0123456789abcdef';

describe('the trace of each answer', () => {
  let openai: FakeOpenAI;
  let svc: RunningService;

  const ask = async (token: string, question: string) => {
    const res = await fetch(`${svc.url}/api/v1/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ question }),
    });
    expect(res.status).toBe(200);
    return res.json();
  };
  const traceOf = (id: string, tenant: string) =>
    fetch(`${svc.url}/admin/traces/${id}?tenant=${tenant}`, {
      headers: { authorization: `Bearer ${ADMIN}` },
    });
  /** The trace is written after the answer: the admin may look a moment before it is there. */
  const readTrace = async (id: string, tenant: string): Promise<TraceView> => {
    for (let attempt = 0; ; attempt++) {
      const res = await traceOf(id, tenant);
      if (res.status === 200) return res.json();
      if (attempt > 100) throw new Error(`trace ${id}: ${res.status}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  const step = (trace: TraceView, name: string) => trace.steps.find((s) => s.name === name) as TraceStepView;

  beforeAll(async () => {
    openai = await startFakeOpenAI();
    scriptQuotingModel(openai);
    svc = await startHttpService({
      OPENAI_API_KEY: 'test',
      OPENAI_BASE_URL: openai.url,
      EMBEDDINGS: 'local',
      LLM_MAX_RETRIES: '0',
      LLM_TIMEOUT_MS: '1000',
      DOCENT_API_TOKENS: `acme:${ACME},globex:${GLOBEX}`,
      DOCENT_ADMIN_TOKEN: ADMIN,
      INGEST_THREADS: '0',
    });
    await svc.services.knowledgeBase.ingest({
      tenantId: 'acme',
      scope: 'tenant',
      source: 'keys.md',
      fetchData: bytesOf('# API keys\n\nRotate the production API key from Settings, then API, then Rotate.'),
    });
  });
  afterAll(async () => {
    await svc.stop();
    await openai.close();
  });

  it('shows the steps, the passages with their scores and the model calls with tokens and cost', async () => {
    const answer = await ask(ACME, 'how do I rotate the production API key?');
    expect(answer.trace_id).toMatch(/^[0-9a-f]{32}$/);
    const trace = await readTrace(answer.trace_id, 'acme');
    expect(trace).toMatchObject({ trace_id: answer.trace_id, tenant_id: 'acme' });
    expect(trace.attributes).toMatchObject({ 'docent.answer_id': answer.id, 'docent.route': 'cheap' });

    const names = trace.steps.map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['cache', 'classify', 'retrieve', 'answer', 'cache_write']));
    for (const s of trace.steps) expect(s.start_ms).toBeGreaterThanOrEqual(0);
    expect(step(trace, 'cache').attributes['docent.cache.decision']).toBe('miss');
    expect(step(trace, 'classify').attributes).toMatchObject({
      'docent.classification.intent': 'question',
      'docent.classification.standalone': 'how do I rotate the production API key?',
    });
    const [passage] = step(trace, 'retrieve').passages ?? [];
    expect(passage).toMatchObject({ rank: 1, title: 'API keys', source: 'keys.md' });
    expect(passage?.score).toBeGreaterThan(0);
    expect(passage).not.toHaveProperty('text');

    const calls = trace.steps.filter((s) => s.name === 'chat gpt-4o-mini');
    const answering = calls.find((c) => c.attributes['docent.model.purpose'] === 'answer');
    expect(answering?.parent).toBe('answer');
    expect(answering?.attributes).toMatchObject({
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.usage.input_tokens': 1000,
      'gen_ai.usage.output_tokens': 100,
      'docent.model.outcome': 'ok',
    });
    expect(answering?.attributes['docent.cost_usd']).toBeCloseTo((1000 * 0.15 + 100 * 0.6) / 1e6, 9);
    expect(answering?.attributes['docent.prompt.chars']).toBeGreaterThan(100);
    expect(step(trace, 'cache_write').attributes['docent.cache.decision']).toBe('stored');

    // The history names the same trace.
    const res = await fetch(`${svc.url}/admin/questions?tenant=acme`, {
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    const { questions } = await res.json();
    expect(questions[0]).toMatchObject({ answer_id: answer.id, trace_id: answer.trace_id });
  });

  it('says which model calls timed out and which failed', async () => {
    openai.script.once('gpt-4o-mini', { delayMs: 3000, status: 500 });
    openai.script.once('gpt-4o-mini', { status: 500, message: 'overloaded' });
    const answer = await ask(ACME, 'where is the rotate button for the API key?');
    const trace = await readTrace(answer.trace_id, 'acme');
    const calls = trace.steps.filter((s) => s.name.startsWith('chat '));
    const classifying = calls.find((c) => c.attributes['docent.model.purpose'] === 'classify');
    expect(classifying).toMatchObject({ status: 'error', attributes: { 'docent.model.outcome': 'timeout' } });
    expect(step(trace, 'classify').attributes['docent.classification.by']).toBe('offline rules');
    const answering = calls.find((c) => c.attributes['docent.model.purpose'] === 'answer');
    expect(answering).toMatchObject({ status: 'error', attributes: { 'docent.model.outcome': 'error' } });
  });

  it("shows a cached answer's hit, and is not found from another tenant", async () => {
    const answer = await ask(ACME, 'how do I rotate the production API key?');
    expect(answer.cached).toBe(true);
    const trace = await readTrace(answer.trace_id, 'acme');
    expect(trace.steps.map((s) => s.name)).toEqual(['cache']);
    expect(step(trace, 'cache').attributes['docent.cache.decision']).toBe('hit');
    expect(trace.attributes['docent.cached']).toBe(true);

    expect((await traceOf(answer.trace_id, 'globex')).status).toBe(404);
    expect((await traceOf(answer.trace_id, 'default')).status).toBe(404);
    const unauthorised = await fetch(`${svc.url}/admin/traces/${answer.trace_id}?tenant=acme`);
    expect(unauthorised.status).toBe(401);
  });
});
