import { describe, expect, it } from 'vitest';
import { answerCacheKey } from '../../graphs/answer/cache-key.js';
import type { Audience } from '../../src/core/types.js';
import { MemoryKnowledgeVersions } from '../../src/stores/memory/memory-knowledge-versions.js';

const inChannel = (tenantId: string, channel: string): Audience => ({
  tenantId,
  scopes: ['tenant', `channel:${channel}`],
});
const QUESTION = 'How do I rotate the API key?';

/** The key as the cache step makes it: from the audience's knowledge versions as they are now. */
async function keyFor(
  versions: MemoryKnowledgeVersions,
  audience: Audience,
  models = 'extractive/extractive',
) {
  const read = await versions.read(audience.tenantId, audience.scopes);
  const generation = await versions.answerGeneration(audience.tenantId);
  return answerCacheKey({ audience, versions: read, generation, models }, QUESTION);
}

describe('the answer cache key', () => {
  it('is the same for the same question, audience, knowledge and models, whatever the order of scopes', async () => {
    const versions = new MemoryKnowledgeVersions(100);
    const key = await keyFor(versions, inChannel('acme', 'eng'));
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(await keyFor(versions, inChannel('acme', 'eng'))).toBe(key);
    const reversed: Audience = { tenantId: 'acme', scopes: ['channel:eng', 'tenant'] };
    expect(await keyFor(versions, reversed)).toBe(key);
    // Other versions that read the same give the same key: the key is made, not remembered.
    expect(await keyFor(new MemoryKnowledgeVersions(100), inChannel('acme', 'eng'))).toBe(key);
  });

  it('changes with the tenant, the channel, the models and every ingestion, and comes back with them', async () => {
    const versions = new MemoryKnowledgeVersions(100);
    const key = (tenant: string, channel: string, models?: string) =>
      keyFor(versions, inChannel(tenant, channel), models);
    const first = await key('acme', 'eng');
    // Asked in turns, each audience keeps its own key.
    const others = [await key('globex', 'eng'), await key('acme', 'ops'), await key('acme', 'eng', 'a/b')];
    expect(new Set([first, ...others]).size).toBe(4);
    expect(await key('acme', 'eng')).toBe(first);
    await versions.bump('acme', 'channel:eng');
    const afterIngestion = await key('acme', 'eng');
    expect([first, ...others]).not.toContain(afterIngestion);
    expect(await key('acme', 'ops')).toBe(others[1]);
    await versions.bump('acme', 'tenant');
    const afterTenantIngestion = await key('acme', 'ops');
    expect(afterTenantIngestion).not.toBe(others[1]);
    expect(await key('acme', 'eng')).not.toBe(afterIngestion);
  });

  it('tells apart versions that belong to different scopes', () => {
    const audience = inChannel('acme', 'eng');
    const key = (versions: string[]) =>
      answerCacheKey({ audience, versions, generation: 'g', models: 'm' }, QUESTION);
    expect(key(['v1', 'v2'])).not.toBe(key(['v2', 'v1']));
  });

  it('changes for every audience of a tenant whose answers are retired, and for no other tenant', async () => {
    const versions = new MemoryKnowledgeVersions(100);
    const audiences = [inChannel('acme', 'eng'), { tenantId: 'acme', scopes: ['user:U1'] } as Audience];
    const before = await Promise.all(audiences.map((a) => keyFor(versions, a)));
    const other = await keyFor(versions, inChannel('globex', 'eng'));
    await versions.retireAnswers('acme');
    const after = await Promise.all(audiences.map((a) => keyFor(versions, a)));
    for (const key of after) expect(before).not.toContain(key);
    expect(await keyFor(versions, inChannel('globex', 'eng'))).toBe(other);
    // The knowledge versions themselves are untouched: searches still read the same documents.
    expect(await versions.read('acme', ['tenant'])).toEqual(['0']);
  });
});
