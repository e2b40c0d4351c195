import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../../src/composition/services.js';
import { loadConfig } from '../../src/config.js';
import type { AnswerResult } from '../../src/core/ask.js';
import { type FakeReranker, startFakeReranker } from '../fakes/rerank-server.js';
import { runCli } from '../helpers/run-cli.js';
import { bytesOf } from '../helpers/temp-kb.js';

// Three documents answer the question squarely; the fourth mentions it in passing and holds the
// canary word the fake reranker promotes. Fused search ranks it below TOP_K (1 here, so the answer
// quotes one passage), so only a reranker that was asked, and obeyed, can have it quoted.
const DOCUMENTS: Record<string, string> = {
  'vpn-setup.md':
    '# VPN setup\n\nTo connect to the VPN, install WireGuard and import the VPN profile from the IT portal.',
  'vpn-travel.md':
    '# VPN when travelling\n\nConnect to the VPN before using hotel wifi; the VPN profile works abroad.',
  'vpn-faq.md':
    '# VPN questions\n\nIf the VPN will not connect, re-import the VPN profile and restart WireGuard.',
  'office.md': '# Office notes\n\nThe zephyr gateway in reception lets guests connect, but not to the VPN.',
};
const QUESTION = 'How do I connect to the VPN?';
const CANARY_SOURCE = 'office.md';

describe('reranking with RERANK_URL', () => {
  let dir: string;
  let reranker: FakeReranker;
  let fusedFirst: string;
  const base = () => ({ DATA_DIR: dir, LOG_LEVEL: 'silent', INGEST_THREADS: '0', TOP_K: '1' });

  async function ask(env: Record<string, string>): Promise<AnswerResult> {
    const services = await createServices(loadConfig({ ...base(), RERANK_URL: reranker.url, ...env }));
    try {
      return await services.answerer.answer({ question: QUESTION, context: { tenantId: 'default' } });
    } finally {
      await services.close();
    }
  }

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'docent-rerank-'));
    reranker = await startFakeReranker();
    const services = await createServices(loadConfig(base()));
    for (const [source, text] of Object.entries(DOCUMENTS)) {
      await services.knowledgeBase.ingest({
        tenantId: 'default',
        scope: 'tenant',
        source,
        fetchData: bytesOf(text),
      });
    }
    const fused = await services.answerer.answer({ question: QUESTION, context: { tenantId: 'default' } });
    await services.close();
    fusedFirst = fused.sources[0]?.source ?? '';
    // What the tests below rely on: without a reranker the canary is not among the answer's sources.
    expect(fused.sources.map((s) => s.source)).not.toContain(CANARY_SOURCE);
  });
  afterAll(async () => {
    await reranker.close();
    await rm(dir, { recursive: true, force: true });
  });
  afterEach(() => {
    reranker.requests.length = 0;
    reranker.behaviour = { kind: 'rank', canary: 'zephyr' };
  });

  it('answers from the passages in the order the reranker gives', async () => {
    const result = await ask({ RERANK_MODEL: 'house-reranker' });
    expect(result.answer).toContain('zephyr gateway');
    expect(result.sources.map((s) => s.source)).toEqual([CANARY_SOURCE]);
    const [request] = reranker.requests;
    expect(request?.body).toMatchObject({ model: 'house-reranker', query: QUESTION, top_n: 1 });
    // A wider pool than TOP_K is offered: every passage of the four documents.
    expect(request?.body.documents).toHaveLength(4);
    expect(request?.headers.authorization).toBeUndefined();
  });

  it('sends RERANK_API_KEY as a bearer token', async () => {
    await ask({ RERANK_API_KEY: 'rerank-secret' });
    expect(reranker.requests[0]?.headers.authorization).toBe('Bearer rerank-secret');
  });

  it('speaks text-embeddings-inference with RERANK_API=tei', async () => {
    reranker.behaviour = { kind: 'rank', canary: 'zephyr', answer: 'list' };
    const result = await ask({ RERANK_API: 'tei' });
    expect(result.answer).toContain('zephyr gateway');
    expect(reranker.requests[0]?.body).toMatchObject({ query: QUESTION, truncate: true });
    expect(reranker.requests[0]?.body.texts).toHaveLength(4);
    expect(reranker.requests[0]?.body).not.toHaveProperty('documents');
  });

  const failures = [
    ['does not answer within RERANK_TIMEOUT_MS', { kind: 'hang' }],
    ['answers 500', { kind: 'status', status: 500 }],
    ['answers with something that is not JSON', { kind: 'raw', body: '<html>bad gateway</html>' }],
    [
      'ranks a passage it was never given',
      { kind: 'raw', body: '{"results":[{"index":9,"relevance_score":1}]}' },
    ],
    ['ranks nothing', { kind: 'raw', body: '{"results":[]}' }],
  ] as const;
  it.each(failures)('answers from the fused order when the reranker %s', async (_, behaviour) => {
    reranker.behaviour = behaviour;
    const result = await ask({ RERANK_TIMEOUT_MS: '150' });
    expect(reranker.requests).toHaveLength(1);
    expect(result.sources[0]?.source).toBe(fusedFirst);
    expect(result.answer).not.toContain('zephyr');
  });

  it('never follows a redirect, so the key reaches no other host', async () => {
    const elsewhere = await startFakeReranker();
    try {
      reranker.behaviour = { kind: 'redirect', location: elsewhere.url };
      const result = await ask({ RERANK_API_KEY: 'rerank-secret' });
      expect(reranker.requests).toHaveLength(1);
      expect(elsewhere.requests).toHaveLength(0);
      expect(result.sources[0]?.source).toBe(fusedFirst);
    } finally {
      await elsewhere.close();
    }
  });

  it('`docent ask` still answers when the reranker fails, and logs one warning saying why', async () => {
    reranker.behaviour = { kind: 'status', status: 503 };
    const env = { DATA_DIR: dir, TOP_K: '1', LOG_LEVEL: 'warn', RERANK_URL: reranker.url };
    const result = await runCli(['ask', QUESTION, '--json'], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).sources[0].source).toBe(fusedFirst);
    const warnings = result.stderr.split('\n').filter((line) => line.includes('reranker'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('HTTP 503');
  });
});
