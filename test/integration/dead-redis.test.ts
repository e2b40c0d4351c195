import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createServices } from '../../src/main.js';
import { bytesOf } from '../helpers/temp-kb.js';

it('answers offline with a configured Redis that is down, within a small delay', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'docent-deadredis-'));
  const services = await createServices(
    loadConfig({ DATA_DIR: dir, REDIS_URL: 'redis://127.0.0.1:1', LOG_LEVEL: 'silent' }),
  );
  try {
    await services.knowledgeBase.ingest({
      tenantId: 'acme',
      scope: 'tenant',
      source: 'vpn.md',
      fetchData: bytesOf(
        '# VPN\n\nConnect to the office VPN with WireGuard and the profile from the IT portal.',
      ),
    });
    const result = await services.answerer.answer({
      question: 'how do I connect to the VPN?',
      context: { tenantId: 'acme' },
    });
    expect(result.answer).toContain('WireGuard');
    expect(result.sources[0]?.source).toBe('vpn.md');
    expect(result.cached).toBe(false);
    // Version lookup, cache get and cache set each cost at most the 50 ms timeout.
    expect(result.latency_ms).toBeLessThan(1000);
  } finally {
    await services.close();
    await rm(dir, { recursive: true, force: true });
  }
});
