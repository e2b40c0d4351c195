import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createServices } from '../../src/main.js';
import { type FakeOpenAI, startFakeOpenAI } from '../fakes/openai-server.js';
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
});
