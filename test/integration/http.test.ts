import { rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningService, startHttpService } from '../helpers/http-service.js';

const API = 'api-secret';
const ADMIN = 'admin-secret';
// Reads the tenant "stats" only.
const STATS_API = 'stats-api-secret';
let svc: RunningService;
let docsServer: Server;
let docsUrl: string;

const call = (path: string, init: RequestInit & { token?: string } = {}) =>
  fetch(`${svc.url}${path}`, {
    ...init,
    headers: {
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.headers as Record<string, string>),
    },
  });
/** Any body, as it is, to the query API with an API token. */
const postQuery = (body: BodyInit, contentType = 'application/json', token = API) =>
  call('/api/v1/query', {
    method: 'POST',
    token,
    headers: { 'content-type': contentType },
    body,
    // A stream body must say it is sent while the response may already come.
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit);
const ask = (question: string, extra: Record<string, unknown> = {}, token = API) =>
  postQuery(JSON.stringify({ question, ...extra }), 'application/json', token);
const askStats = (question: string) => ask(question, {}, STATS_API);
const upload = (name: string, content: string, query = '') => {
  const form = new FormData();
  form.append('file', new Blob([content]), name);
  return call(`/admin/documents${query}`, { method: 'POST', token: ADMIN, body: form });
};

beforeAll(async () => {
  // The documents server below is on 127.0.0.1, an intranet address.
  svc = await startHttpService({
    DOCENT_API_TOKEN: API,
    DOCENT_API_TOKENS: `stats:${STATS_API}`,
    DOCENT_ADMIN_TOKEN: ADMIN,
    ALLOW_PRIVATE_URLS: 'true',
    // One token asks everything here, and limits follow the token: they have tests of their own.
    RATE_LIMIT_PER_MINUTE: '0',
  });
  docsServer = createServer((req, res) => {
    if (req.url === '/wiki/oncall.html') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(
        '<html><head><title>On-call</title></head><body><h1>On-call</h1><p>Page the primary through PagerDuty after 15 minutes.</p></body></html>',
      );
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => docsServer.listen(0, '127.0.0.1', r));
  docsUrl = `http://127.0.0.1:${(docsServer.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await svc.stop();
  docsServer.close();
});

describe('health and metrics', () => {
  it('is alive and ready with LanceDB open', async () => {
    expect(await (await call('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await call('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, failing: [], checks: { lancedb: 'ok' } });
  });

  it('exposes Prometheus metrics that move with traffic', async () => {
    const before = await (await call('/metrics')).text();
    expect(before).toContain('# TYPE docent_http_request_duration_seconds histogram');
    expect(before).toContain('docent_nodejs_eventloop_lag_seconds');
    await ask('anything about parking?');
    const after = await (await call('/metrics')).text();
    expect(after).toMatch(/docent_questions_total\{platform="http",route="no_passages",model="none"\} 1/);
    expect(after).toMatch(/docent_answer_cache_total\{result="miss"\} \d+/);
    expect(after).toMatch(
      /docent_http_request_duration_seconds_count\{method="POST",route="\/api\/v1\/query",status="200"\} 1/,
    );
    // Counts reach the registry when it is scraped: a second scrape counts nothing twice.
    await ask('anything about parking?');
    const again = await (await call('/metrics')).text();
    expect(again).toMatch(/docent_questions_total\{platform="http",route="no_passages",model="none"\} 2/);
    expect(await (await call('/metrics')).text()).toMatch(
      /docent_questions_total\{platform="http",route="no_passages",model="none"\} 2/,
    );
  });
});

describe('auth', () => {
  it('refuses without a token, with a wrong token, and slows repeated failures', async () => {
    // Its own instance: the wait below applies to every failing request from this address.
    const guarded = await startHttpService({ DOCENT_API_TOKEN: API, DOCENT_ADMIN_TOKEN: ADMIN });
    const at = (path: string, token?: string, method = 'GET') =>
      fetch(`${guarded.url}${path}`, { method, headers: token ? { authorization: `Bearer ${token}` } : {} });
    try {
      expect((await at('/api/v1/query', undefined, 'POST')).status).toBe(401);
      expect((await at('/admin/stats', ADMIN)).status).toBe(200);
      const missing = await at('/admin/documents');
      expect(missing.status).toBe(401);
      expect(missing.headers.get('www-authenticate')).toBe('Bearer');
      expect((await missing.json()).message).toBe(
        'No token: send Authorization: Bearer <token> to use /admin.',
      );
      const wrong = await at('/admin/documents', 'nope');
      expect(wrong.status).toBe(401);
      expect(await wrong.json()).toEqual({
        error: 'unauthorized',
        message: 'The bearer token is not valid for /admin.',
      });
      let last = wrong;
      for (let i = 0; i < 4; i++) last = await at('/admin/stats', 'nope');
      expect(last.status).toBe(429);
      expect(last.headers.get('retry-after')).toBe('1');
      // The failures of others at this address are not the valid token's.
      expect((await at('/admin/stats', ADMIN)).status).toBe(200);
    } finally {
      await guarded.stop();
    }
  });

  it('refuses and says what to set when no token is configured', async () => {
    const open = await startHttpService();
    try {
      const res = await fetch(`${open.url}/admin/stats`, { headers: { authorization: 'Bearer x' } });
      expect(res.status).toBe(403);
      expect((await res.json()).message).toBe('Set DOCENT_ADMIN_TOKEN to enable /admin.');
      const api = await fetch(`${open.url}/api/v1/query`, { method: 'POST' });
      expect((await api.json()).message).toBe('Set DOCENT_API_TOKEN or DOCENT_API_TOKENS to enable /api.');
    } finally {
      await open.stop();
    }
  });
});

describe('query API and admin API', () => {
  it('validates requests field by field', async () => {
    const res = await postQuery(JSON.stringify({ question: '', tenant: 'bad tenant!' }));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: 'invalid_request',
      fields: { question: 'must not be empty', tenant: 'letters, digits, ".", "_" or "-"' },
    });
    const huge = await postQuery(JSON.stringify({ question: 'x'.repeat(100_000) }));
    expect(huge.status).toBe(413);
    // Streamed with no length given: refused once the limit is passed.
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 10; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(10_000)));
        controller.close();
      },
    });
    const streamed = await postQuery(stream);
    expect(streamed.status).toBe(413);
    const broken = await postQuery('{"question": "how do I');
    expect(broken.status).toBe(400);
    expect((await broken.json()).message).toMatch(/not valid JSON/);
    const form = await postQuery('how do I rotate the key?', 'text/plain');
    // Plain text is read, but a question must come as a JSON object.
    expect(form.status).toBe(400);
    expect((await form.json()).fields.body).toMatch(/expected object/);
    const xml = await postQuery('<question>how do I rotate the key?</question>', 'application/xml');
    expect(xml.status).toBe(415);
    expect((await xml.json()).message).toBe('Send the question as application/json.');
    const badQuery = await call('/admin/documents?tenant=bad!&limit=0', { token: ADMIN });
    expect(badQuery.status).toBe(400);
    expect(await badQuery.json()).toEqual({
      error: 'invalid_request',
      fields: { tenant: 'letters, digits, ".", "_" or "-"', limit: 'Too small: expected number to be >=1' },
    });
  });

  it('refuses new questions while shutting down, and closes the connection', async () => {
    let shuttingDown = false;
    const closing = await startHttpService({ DOCENT_API_TOKEN: API }, { isShuttingDown: () => shuttingDown });
    try {
      const query = () =>
        fetch(`${closing.url}/api/v1/query`, {
          method: 'POST',
          headers: { authorization: `Bearer ${API}`, 'content-type': 'application/json' },
          body: JSON.stringify({ question: 'anything about parking?' }),
        });
      expect((await query()).status).toBe(200);
      shuttingDown = true;
      const refused = await query();
      expect(refused.status).toBe(503);
      expect(refused.headers.get('connection')).toBe('close');
      expect((await refused.json()).error).toBe('shutting_down');
    } finally {
      await closing.stop();
    }
  });

  it('uploads a file, answers from it, lists and deletes it', async () => {
    const vpn = '# VPN\n\nConnect with WireGuard using the profile from the IT portal.';
    const created = await upload('vpn.md', vpn);
    expect(created.status).toBe(201);
    const [doc] = (await created.json()).results;
    expect(doc).toMatchObject({ status: 'indexed', source: 'vpn.md', title: 'VPN', passages: 1 });
    const answer = await (await ask('how do I connect to the VPN?', { session_id: 's1' })).json();
    expect(answer).toMatchObject({ route: 'extractive', cached: false, session_id: 's1' });
    expect(answer.answer).toContain('WireGuard');
    expect(answer.sources[0]).toMatchObject({ n: 1, source: 'vpn.md' });
    const list = await (await call('/admin/documents', { token: ADMIN })).json();
    expect(list.documents).toContainEqual(expect.objectContaining({ source: 'vpn.md', bytes: vpn.length }));
    expect((await call(`/admin/documents/${doc.doc_id}`, { method: 'DELETE', token: ADMIN })).status).toBe(
      200,
    );
    expect((await call(`/admin/documents/${doc.doc_id}`, { method: 'DELETE', token: ADMIN })).status).toBe(
      404,
    );
  });

  it('answers questions that arrive together each with its own answer, cached or not', async () => {
    await upload('payroll.md', '# Payroll\n\nSalaries are paid on the 25th of each month.');
    await upload('badges.md', '# Badges\n\nLost badges are replaced at the front desk in building B.');
    const questions = [
      { question: 'when are salaries paid?', expected: '25th' },
      { question: 'where are lost badges replaced?', expected: 'front desk' },
    ];
    // One of the two cached first, so the burst mixes cache hits, misses and refusals.
    await ask('when are salaries paid?');
    const burst = Array.from({ length: 40 }, async (_, i) => {
      if (i % 10 === 9) return { i, res: await postQuery('{"question": ') };
      const { question } = questions[i % 2] as { question: string };
      return { i, res: await ask(question, i % 4 === 0 ? { session_id: `burst-${i}` } : {}) };
    });
    const newSessions = new Set<string>();
    for (const { i, res } of await Promise.all(burst)) {
      if (i % 10 === 9) {
        expect(res.status).toBe(400);
        continue;
      }
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body.answer).toContain(questions[i % 2]?.expected);
      if (i % 4 === 0) expect(body.session_id).toBe(`burst-${i}`);
      else newSessions.add(body.session_id);
    }
    // Every question without a session opened a conversation of its own.
    expect(newSessions.size).toBe(26);
  });

  it('ingests a document from a URL, and reports a broken upload with its reason', async () => {
    const res = await call('/admin/documents', {
      method: 'POST',
      token: ADMIN,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: `${docsUrl}/wiki/oncall.html` }),
    });
    expect(res.status).toBe(201);
    expect((await res.json()).results[0]).toMatchObject({
      status: 'indexed',
      title: 'On-call',
      source: `${docsUrl}/wiki/oncall.html`,
    });
    const broken = await upload('broken.pdf', '%PDF-1.4 not really');
    expect(broken.status).toBe(422);
    expect((await broken.json()).results[0].error).toEqual({
      code: 'corrupt',
      message: 'broken.pdf: the PDF is damaged and could not be read.',
    });
    const missing = await call('/admin/documents', {
      method: 'POST',
      token: ADMIN,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: `${docsUrl}/nope` }),
    });
    expect((await missing.json()).results[0].error.message).toMatch(/answered 404/);
  });

  it('reports statistics, coverage gaps, and flushes the cache', async () => {
    await upload('leave.md', '# Leave\n\nEveryone gets 25 days of paid leave a year.', '?tenant=stats');
    await askStats('how many days of paid leave?');
    expect((await (await askStats('how many days of paid leave?')).json()).cached).toBe(true);
    await askStats('where do I park my bike?');
    await askStats('Where do I park my bike');
    const stats = await (await call('/admin/stats?tenant=stats', { token: ADMIN })).json();
    expect(stats).toMatchObject({ questions: 4, cache_hit_rate: 0.25, unanswered_rate: 0.5 });
    expect(stats.per_day[0]).toMatchObject({ questions: 4, cost_usd: 0 });
    const gaps = await (await call('/admin/questions/unanswered?tenant=stats', { token: ADMIN })).json();
    expect(gaps.questions[0]).toMatchObject({ question: 'where do I park my bike?', count: 2 });
    // Named no tenant, the reports cover every tenant's questions.
    const everywhere = await (await call('/admin/questions/unanswered', { token: ADMIN })).json();
    expect(everywhere.questions).toContainEqual(
      expect.objectContaining({ question: 'where do I park my bike?', count: 2 }),
    );
    const history = await (await call('/admin/questions?tenant=stats&q=bike', { token: ADMIN })).json();
    expect(history.questions.map((q: { question: string }) => q.question)).toEqual([
      'Where do I park my bike',
      'where do I park my bike?',
    ]);
    expect(history.questions[0]).toMatchObject({ covered: false, platform: 'http', cached: false });
    const allStats = await (await call('/admin/stats', { token: ADMIN })).json();
    expect(allStats.questions).toBeGreaterThanOrEqual(stats.questions);
    expect((await call('/admin/cache/flush', { method: 'POST', token: ADMIN })).status).toBe(200);
    expect((await (await askStats('how many days of paid leave?')).json()).cached).toBe(false);
    const feedback = await (await call('/admin/feedback?tenant=stats', { token: ADMIN })).json();
    expect(feedback).toEqual({ feedback: [] });
  });

  it('flushes one tenant’s cached answers and keeps the other tenants’', async () => {
    const parking = '# Bikes\n\nBikes are parked in the basement rack by the lifts.';
    await upload('bikes.md', parking);
    await upload('bikes.md', parking, '?tenant=stats');
    const question = 'where are bikes parked?';
    const cached = async (response: Promise<Response>) => (await (await response).json()).cached;
    await ask(question);
    await askStats(question);
    expect(await cached(ask(question))).toBe(true);
    expect(await cached(askStats(question))).toBe(true);
    const flushed = await call('/admin/cache/flush?tenant=stats', { method: 'POST', token: ADMIN });
    expect(await flushed.json()).toEqual({ flushed: true, tenant: 'stats' });
    expect(await cached(askStats(question))).toBe(false);
    expect(await cached(ask(question))).toBe(true);
    const invalid = await call('/admin/cache/flush?tenant=no%20spaces', { method: 'POST', token: ADMIN });
    expect(invalid.status).toBe(400);
  });
});

describe('per-user limits', () => {
  it('answers 429 with Retry-After once a person is over their limit', async () => {
    const limited = await startHttpService({
      DOCENT_API_TOKEN: API,
      RATE_LIMIT_PER_MINUTE: '1',
      RATE_LIMIT_QUEUE: '0',
    });
    try {
      const query = () =>
        fetch(`${limited.url}/api/v1/query`, {
          method: 'POST',
          headers: { authorization: `Bearer ${API}`, 'content-type': 'application/json' },
          body: JSON.stringify({ question: 'anything?', session_id: 'same-person' }),
        });
      expect((await query()).status).toBe(200);
      const refused = await query();
      expect(refused.status).toBe(429);
      const retryAfter = Number(refused.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(await (await fetch(`${limited.url}/metrics`)).text()).toMatch(
        /docent_throttled_total\{platform="http"\} 1/,
      );
    } finally {
      await limited.stop();
    }
  });
});

describe('readiness failures', () => {
  it('names Redis when it is configured but down', async () => {
    const withRedis = await startHttpService({ REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      const res = await fetch(`${withRedis.url}/readyz`);
      expect(res.status).toBe(503);
      const body = await res.json();
      expect(body.failing).toEqual(['redis']);
      expect(body.checks.lancedb).toBe('ok');
    } finally {
      await withRedis.stop();
    }
  });

  it('names LanceDB when its directory is gone', async () => {
    const lost = await startHttpService();
    try {
      await rm(lost.dir, { recursive: true, force: true });
      const res = await fetch(`${lost.url}/readyz`);
      expect(res.status).toBe(503);
      expect((await res.json()).failing).toEqual(['lancedb']);
    } finally {
      await lost.stop();
    }
  });
});
