import Keyv from 'keyv';
import { describe, expect, it } from 'vitest';
import { answerCacheKey } from '../../graphs/answer/cache-key.js';
import type { Audience } from '../../src/core/types.js';
import { KeyvAnswerCache } from '../../src/stores/keyv-answer-cache.js';
import { MemoryKnowledgeVersions } from '../../src/stores/knowledge-versions.js';

const newCache = () =>
  new KeyvAnswerCache(
    new Keyv({ serialize: undefined, deserialize: undefined }),
    { ttlMs: 60_000, turnTtlMs: 60_000 },
    { versions: new MemoryKnowledgeVersions(100) },
  );
const inChannel = (tenantId: string, channel: string): Audience => ({
  tenantId,
  scopes: ['tenant', `channel:${channel}`],
});
const QUESTION = 'How do I rotate the API key?';

describe('the answer cache key', () => {
  it('is the same for the same question, audience, knowledge and models, whatever the order of scopes', async () => {
    const cache = newCache();
    const key = await answerCacheKey(cache, inChannel('acme', 'eng'), 'extractive/extractive', QUESTION);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(await answerCacheKey(cache, inChannel('acme', 'eng'), 'extractive/extractive', QUESTION)).toBe(
      key,
    );
    const reversed: Audience = { tenantId: 'acme', scopes: ['channel:eng', 'tenant'] };
    expect(await answerCacheKey(cache, reversed, 'extractive/extractive', QUESTION)).toBe(key);
    // Another cache with the same knowledge versions keys it the same: the key is made, not remembered.
    expect(
      await answerCacheKey(newCache(), inChannel('acme', 'eng'), 'extractive/extractive', QUESTION),
    ).toBe(key);
  });

  it('changes with the tenant, the channel, the models and every ingestion, and comes back with them', async () => {
    const cache = newCache();
    const keyFor = (tenant: string, channel: string, models = 'extractive/extractive') =>
      answerCacheKey(cache, inChannel(tenant, channel), models, QUESTION);
    const first = await keyFor('acme', 'eng');
    // Asked in turns, each audience keeps its own key.
    const others = [
      await keyFor('globex', 'eng'),
      await keyFor('acme', 'ops'),
      await keyFor('acme', 'eng', 'a/b'),
    ];
    expect(new Set([first, ...others]).size).toBe(4);
    expect(await keyFor('acme', 'eng')).toBe(first);
    await cache.bumpKnowledgeVersion('acme', 'channel:eng');
    const afterIngestion = await keyFor('acme', 'eng');
    expect([first, ...others]).not.toContain(afterIngestion);
    expect(await keyFor('acme', 'ops')).toBe(others[1]);
    await cache.bumpKnowledgeVersion('acme', 'tenant');
    const afterTenantIngestion = await keyFor('acme', 'ops');
    expect(afterTenantIngestion).not.toBe(others[1]);
    expect(await keyFor('acme', 'eng')).not.toBe(afterIngestion);
  });
});
