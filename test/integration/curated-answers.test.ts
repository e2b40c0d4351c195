import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../src/composition/services.js';
import { loadConfig } from '../../src/config.js';
import { createMetrics } from '../../src/http/metrics.js';
import { buildHttpServer } from '../../src/http/server.js';
import { bytesOf } from '../helpers/temp-kb.js';

const ADMIN = 'curated-admin-token';
const ACME = 'acme-token-0123456789';
const GLOBEX = 'globex-token-0123456789';
const VPN_DOC = '# VPN\n\nTo connect to the VPN, install OpenVPN and import the office profile.';
const QUESTION = 'How do I connect to the VPN?';
const PARAPHRASE = 'how do I connect to VPNs, please';
const CURATED_TEXT = 'Use WireGuard now: the OpenVPN profile was retired in March.';

/** `docent serve`'s services and HTTP server on a DATA_DIR that outlives them, as after a restart. */
async function serve(dir: string) {
  const config = loadConfig({
    DATA_DIR: dir,
    LOG_LEVEL: 'silent',
    INGEST_THREADS: '0',
    DOCENT_ADMIN_TOKEN: ADMIN,
    DOCENT_API_TOKENS: `acme:${ACME},globex:${GLOBEX}`,
  });
  const metrics = createMetrics();
  const services = await createServices(config, {
    command: 'serve',
    claimDataDir: true,
    observers: [metrics.observer],
  });
  const app = await buildHttpServer({ services, metrics });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { services, app, url };
}

let dir: string;
let running: { services: Services; app: FastifyInstance; url: string };

async function stop() {
  await running.app.close();
  await running.services.close();
}

async function ask(question: string, token = ACME, session?: string) {
  const res = await fetch(`${running.url}/api/v1/query`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ question, session_id: session }),
  });
  expect(res.status).toBe(200);
  return res.json();
}

async function admin(method: string, route: string, body?: unknown) {
  const res = await fetch(`${running.url}${route}`, {
    method,
    headers: {
      authorization: `Bearer ${ADMIN}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

const curate = async (scope: string, question: string, answer: string, tenant = 'acme') => {
  const created = await admin('POST', `/admin/answers?tenant=${tenant}&scope=${scope}`, { question, answer });
  expect(created.status).toBe(201);
  return created.body.answer as { id: string; question: string; answer: string; scope: string };
};

const isCurated = (result: { route: string }) => result.route === 'curated';

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'docent-curated-'));
  running = await serve(dir);
  for (const tenantId of ['acme', 'globex'])
    await running.services.knowledgeBase.ingest({
      tenantId,
      scope: 'tenant',
      source: 'vpn.md',
      fetchData: bytesOf(VPN_DOC),
    });
});
afterAll(async () => {
  await stop();
  await rm(dir, { recursive: true, force: true });
});

describe('curated answers through the HTTP API', () => {
  it('serve the question and its rephrasing before the cache and the models, in its tenant only', async () => {
    // Answered from the document, then cached: the curated answer must win over both.
    expect((await ask(QUESTION)).answer).toContain('OpenVPN');
    expect((await ask(QUESTION)).cached).toBe(true);
    const created = await curate('tenant', QUESTION, CURATED_TEXT);
    expect(created).toMatchObject({
      tenant_id: 'acme',
      scope: 'tenant',
      question: QUESTION,
      answer: CURATED_TEXT,
    });
    for (const asked of [QUESTION, PARAPHRASE]) {
      const result = await ask(asked);
      expect(result).toMatchObject({
        answer: CURATED_TEXT,
        route: 'curated',
        model: 'curated',
        cached: false,
        tokens: { input: 0, output: 0 },
        cost_usd: 0,
      });
      expect(result.sources).toEqual([
        expect.objectContaining({ n: 1, title: 'Curated answer', source: `admin:${created.id}` }),
      ]);
    }
    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    expect(metrics).toContain('docent_questions_total{platform="http",route="curated",model="curated"} 2');
    // Two questions reached the cache (a miss, then a hit); the curated ones never did.
    expect(metrics).toMatch(/docent_answer_cache_total\{result="miss"\} 1\n/);
    // Another tenant asking the same words gets its own documents' answer.
    const other = await ask(QUESTION, GLOBEX);
    expect(isCurated(other)).toBe(false);
    expect(other.answer).toContain('OpenVPN');
    // A different question is not a rephrasing.
    expect(isCurated(await ask('How do I disconnect from the VPN?'))).toBe(false);
    const recorded = await admin('GET', '/admin/questions?tenant=acme&q=VPNs');
    expect(recorded.body.questions[0]).toMatchObject({
      route: 'curated',
      covered: true,
      answer: CURATED_TEXT,
    });
    expect((await admin('DELETE', `/admin/answers/${created.id}?tenant=acme`)).status).toBe(200);
  });

  it('answer a question asked later in a conversation, after it is classified', async () => {
    const { id } = await curate('tenant', QUESTION, CURATED_TEXT);
    expect(isCurated(await ask('Who runs payroll?', ACME, 'talk-1'))).toBe(false);
    expect(await ask(PARAPHRASE, ACME, 'talk-1')).toMatchObject({ route: 'curated', answer: CURATED_TEXT });
    expect((await admin('DELETE', `/admin/answers/${id}?tenant=acme`)).status).toBe(200);
  });

  it('serve a channel-scoped answer only to askers in that channel', async () => {
    // The query API asks from channel `api`; an answer for channel C1 is not for it.
    const elsewhere = await curate('channel:C1', QUESTION, 'Only for C1.');
    expect(isCurated(await ask(QUESTION))).toBe(false);
    const here = await curate('channel:api', QUESTION, 'For API callers.');
    expect((await ask(QUESTION)).answer).toBe('For API callers.');
    for (const { id } of [elsewhere, here])
      expect((await admin('DELETE', `/admin/answers/${id}?tenant=acme`)).status).toBe(200);
  });

  it("never reads, edits or removes another tenant's answer", async () => {
    const { id } = await curate('tenant', QUESTION, CURATED_TEXT);
    expect((await admin('GET', '/admin/answers?tenant=globex')).body).toEqual({ answers: [] });
    expect((await admin('PUT', `/admin/answers/${id}?tenant=globex`, { answer: 'hijacked' })).status).toBe(
      404,
    );
    expect((await admin('DELETE', `/admin/answers/${id}?tenant=globex`)).status).toBe(404);
    expect((await ask(QUESTION)).answer).toBe(CURATED_TEXT);
    expect(isCurated(await ask(QUESTION, GLOBEX))).toBe(false);
    expect((await admin('DELETE', `/admin/answers/${id}?tenant=acme`)).status).toBe(200);
  });

  it('apply an edit to the next answer, and a removal brings back fresh answers, not the old cached one', async () => {
    const { id } = await curate('tenant', QUESTION, CURATED_TEXT);
    const edited = await admin('PUT', `/admin/answers/${id}?tenant=acme`, { answer: 'Ask the IT desk.' });
    expect(edited.status).toBe(200);
    expect(edited.body.answer).toMatchObject({ id, answer: 'Ask the IT desk.', question: QUESTION });
    expect((await ask(PARAPHRASE)).answer).toBe('Ask the IT desk.');
    const removed = await admin('DELETE', `/admin/answers/${id}?tenant=acme`);
    expect(removed).toMatchObject({ status: 200, body: { removed: { id } } });
    expect((await admin('DELETE', `/admin/answers/${id}?tenant=acme`)).status).toBe(404);
    const after = await ask(QUESTION);
    expect(after).toMatchObject({ cached: false });
    expect(isCurated(after)).toBe(false);
    expect(after.answer).toContain('OpenVPN');
  });

  it('refuses what it cannot keep: bad fields, a duplicate, no token', async () => {
    const bad = await admin('POST', '/admin/answers?tenant=acme', {
      question: ' ',
      answer: 'x'.repeat(3001),
    });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.fields).sort()).toEqual(['answer', 'question']);
    const noScope = await admin('POST', '/admin/answers?tenant=acme&scope=everyone', {
      question: 'q',
      answer: 'a',
    });
    expect(noScope).toMatchObject({ status: 400, body: { fields: { scope: expect.any(String) } } });
    expect((await admin('PUT', '/admin/answers/some-id?tenant=acme', {})).status).toBe(400);
    const { id } = await curate('tenant', QUESTION, CURATED_TEXT);
    const again = await admin('POST', '/admin/answers?tenant=acme&scope=tenant', {
      question: PARAPHRASE,
      answer: 'another',
    });
    expect(again).toMatchObject({ status: 409, body: { error: 'duplicate', id } });
    const anonymous = await fetch(`${running.url}/admin/answers?tenant=acme`);
    expect(anonymous.status).toBe(401);
    expect((await admin('DELETE', `/admin/answers/${id}?tenant=acme`)).status).toBe(200);
  });

  it('are kept across a restart', async () => {
    const created = await curate('tenant', QUESTION, CURATED_TEXT);
    await stop();
    running = await serve(dir);
    expect((await admin('GET', '/admin/answers?tenant=acme')).body.answers).toEqual([created]);
    expect(await ask(PARAPHRASE)).toMatchObject({ route: 'curated', answer: CURATED_TEXT });
  });
});
