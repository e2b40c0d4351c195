import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { createServices } from '../../src/composition/services.js';
import { loadConfig } from '../../src/config.js';
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

it('tells the person a shared file could not be queued while Redis is down, within seconds, and stores nothing', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'docent-deadredis-'));
  const services = await createServices(
    loadConfig({ DATA_DIR: dir, REDIS_URL: 'redis://127.0.0.1:1', LOG_LEVEL: 'silent' }),
  );
  try {
    await services.jobs.start();
    const started = Date.now();
    const outcome = await services.handleMessage({
      platform: 'slack',
      eventId: 'files:F1',
      tenantId: 'acme',
      channelId: 'C1',
      userId: 'U1',
      threadId: 'C1:1.0',
      isDirectMessage: false,
      isPrivateChannel: false,
      text: '',
      files: [{ name: 'handbook.md', url: 'http://127.0.0.1:1/handbook.md' }],
    });
    expect(outcome).toEqual({
      kind: 'ingested',
      files: [
        {
          name: 'handbook.md',
          status: 'failed',
          reason:
            'the ingestion queue is unavailable right now, so nothing was stored; please share it again in a few minutes.',
        },
      ],
    });
    // Redis gets two seconds to take the job; the person is not left waiting longer.
    expect(Date.now() - started).toBeLessThan(3000);
    expect(await services.knowledgeBase.listDocuments('acme')).toEqual([]);
  } finally {
    await services.close();
    await rm(dir, { recursive: true, force: true });
  }
});
