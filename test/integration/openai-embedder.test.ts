import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { APOLOGY } from '../../graphs/answer/answerer.js';
import { createServices, type Services } from '../../src/composition/services.js';
import { loadConfig } from '../../src/config.js';
import type { Audience } from '../../src/core/types.js';
import { type FakeOpenAI, fakeEmbedding, startFakeOpenAI } from '../fakes/openai-server.js';
import { bytesOf } from '../helpers/temp-kb.js';

describe('OpenAI-compatible embeddings', () => {
  let server: FakeOpenAI;
  let dir: string;
  beforeAll(async () => {
    server = await startFakeOpenAI({ embeddingDimensions: 24 });
    dir = await mkdtemp(path.join(tmpdir(), 'docent-oai-'));
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });
  afterEach(() => {
    server.embeddings.dimensions = 24;
    server.embeddings.vectorFor = undefined;
  });

  it('embeds through the configured endpoint, learns the dimension, and refuses a later switch', async () => {
    const env = {
      DATA_DIR: dir,
      OPENAI_API_KEY: 'test',
      OPENAI_BASE_URL: server.url,
      EMBEDDING_MODEL: 'house-embedder',
    };
    const services = await createServices(loadConfig(env));
    expect(services.embedder).toMatchObject({ id: 'openai:house-embedder', dimension: 24 });
    const outcome = await services.knowledgeBase.ingest({
      tenantId: 'acme',
      scope: 'tenant',
      source: 'vpn.md',
      fetchData: bytesOf('# VPN\n\nConnect with WireGuard using the profile from the IT portal.'),
    });
    expect(outcome.status).toBe('indexed');
    const embedCalls = server.requests.filter((r) => r.path === '/v1/embeddings');
    expect(embedCalls.length).toBeGreaterThanOrEqual(2);
    expect(embedCalls.every((r) => r.model === 'house-embedder')).toBe(true);
    const hits = await services.knowledgeBase.search('WireGuard profile', {
      tenantId: 'acme',
      scopes: ['tenant'],
    });
    expect(hits[0]?.source).toBe('vpn.md');
    await services.close();

    await expect(createServices(loadConfig({ DATA_DIR: dir }))).rejects.toThrow(
      'The knowledge base was built with the embedder "openai:house-embedder" (24 dimensions), but "local-hash-v1" (384 dimensions) is configured.',
    );
  });

  /** Services on a fresh knowledge base of their own, with OpenAI-compatible embeddings and models. */
  async function servicesFor(name: string, env: Record<string, string> = {}): Promise<Services> {
    return createServices(
      loadConfig({
        DATA_DIR: path.join(dir, name),
        OPENAI_API_KEY: 'test',
        OPENAI_BASE_URL: server.url,
        LOG_LEVEL: 'silent',
        INGEST_THREADS: '0',
        ...env,
      }),
    );
  }
  const vpn = {
    tenantId: 'acme',
    scope: 'tenant' as const,
    source: 'vpn.md',
    fetchData: bytesOf('# VPN\n\nConnect with WireGuard using the profile from the IT portal.'),
  };
  const acme: Audience = { tenantId: 'acme', scopes: ['tenant'] };

  it('measures the vector size from the endpoint rather than trusting the model name', async () => {
    // An OpenAI-compatible server that serves text-embedding-3-small at 24 numbers, not 1536.
    const services = await servicesFor('measured');
    try {
      expect((await services.knowledgeBase.ingest(vpn)).status).toBe('indexed');
      const result = await services.answerer.answer({
        question: 'how do I connect with WireGuard?',
        context: { tenantId: 'acme' },
      });
      expect(result.answer).not.toBe(APOLOGY);
      expect(result.answer).toContain('WireGuard');
      expect(services.embedder).toMatchObject({ id: 'openai:text-embedding-3-small', dimension: 24 });
    } finally {
      await services.close();
    }
  });

  it('refuses vectors of another size or with values that are not numbers, storing nothing', async () => {
    const services = await servicesFor('refused');
    try {
      server.embeddings.dimensions = 12;
      await expect(services.knowledgeBase.ingest(vpn)).rejects.toMatchObject({
        name: 'IngestError',
        code: 'embedder_mismatch',
        transient: false,
        message: expect.stringMatching(
          /returned vectors of 12 numbers where 24 were expected, so the file was not indexed/,
        ),
      });
      await expect(services.knowledgeBase.search('WireGuard profile', acme)).rejects.toThrow(
        /returned vectors of 12 numbers where 24 were expected, so the question was not searched/,
      );
      server.embeddings.dimensions = 24;
      server.embeddings.vectorFor = (text, size) =>
        text.includes('WireGuard') ? Array<number>(size).fill(Number.NaN) : fakeEmbedding(text, size);
      await expect(services.knowledgeBase.ingest(vpn)).rejects.toMatchObject({
        code: 'embedder_mismatch',
        message: expect.stringContaining('returned a vector holding values that are not numbers'),
      });
      expect(await services.knowledgeBase.listDocuments('acme')).toEqual([]);
      // Once the endpoint behaves again, the same file is indexed whole.
      server.embeddings.vectorFor = undefined;
      expect((await services.knowledgeBase.ingest(vpn)).status).toBe('indexed');
      expect((await services.knowledgeBase.search('WireGuard profile', acme))[0]?.source).toBe('vpn.md');
    } finally {
      await services.close();
    }
  });

  it('asks for EMBEDDING_DIMENSIONS and binds the knowledge base to the size served', async () => {
    server.requests.length = 0;
    const services = await servicesFor('shortened', { EMBEDDING_DIMENSIONS: '64' });
    try {
      expect(services.embedder.dimension).toBe(64);
      expect((await services.knowledgeBase.ingest(vpn)).status).toBe('indexed');
      const embedCalls = server.requests.filter((r) => r.path === '/v1/embeddings');
      expect(embedCalls.every((r) => r.body?.dimensions === 64)).toBe(true);
    } finally {
      await services.close();
    }
    await expect(servicesFor('shortened')).rejects.toThrow(
      '"openai:text-embedding-3-small" (64 dimensions), but "openai:text-embedding-3-small" (24 dimensions) is configured',
    );
  });

  it('will not start when the endpoint ignores EMBEDDING_DIMENSIONS', async () => {
    server.embeddings.vectorFor = (text) => fakeEmbedding(text, 24);
    await expect(servicesFor('ignored', { EMBEDDING_DIMENSIONS: '64' })).rejects.toThrow(
      'EMBEDDING_DIMENSIONS is 64, but the endpoint returned vectors of 24 numbers for "text-embedding-3-small"',
    );
  });
});
