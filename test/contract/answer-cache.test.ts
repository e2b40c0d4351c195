import { randomUUID } from 'node:crypto';
import KeyvRedis from '@keyv/redis';
import Keyv from 'keyv';
import { LRUCache } from 'lru-cache';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheLookup } from '../../graphs/answer/cache-step.js';
import { createAnswerCache, createKnowledgeVersions } from '../../src/composition/backends.js';
import { loadConfig } from '../../src/config.js';
import type { AnswerCache, CachedAnswer } from '../../src/core/ports/answer-cache.js';
import type { KnowledgeVersions } from '../../src/core/ports/knowledge-versions.js';
import type { Audience } from '../../src/core/types.js';
import { createLogger } from '../../src/logger.js';
import { KeyvAnswerCache } from '../../src/stores/keyv/keyv-answer-cache.js';
import { KeyvKnowledgeVersions } from '../../src/stores/keyv/keyv-knowledge-versions.js';
import { MemoryKnowledgeVersions } from '../../src/stores/memory/memory-knowledge-versions.js';

const REDIS_URL = 'redis://127.0.0.1:6379';
const value: CachedAnswer = {
  answer: 'Rotate it in Settings [1].',
  model: 'gpt-4o-mini',
  route: 'cheap',
  sources: [
    { n: 1, doc_id: 'd1', title: 'Keys', source: 'keys.md', score: 0.5, text: 'Rotate it in Settings.' },
  ],
};
const logger = createLogger('silent');
const inMemory = loadConfig({ DATA_DIR: '/tmp/unused', LOG_LEVEL: 'silent' });
const onRedis = loadConfig({ DATA_DIR: '/tmp/unused', LOG_LEVEL: 'silent', REDIS_URL });

function answerCacheContract(name: string, open: (ttlMs: number) => AnswerCache) {
  describe(`AnswerCache contract: ${name}`, () => {
    let cache: AnswerCache;
    beforeEach(() => {
      cache = open(60_000);
    });
    afterEach(async () => cache.close());

    it('returns what was stored, and misses what was not', async () => {
      const key = randomUUID();
      expect(await cache.get(key)).toBeUndefined();
      await cache.set(key, value);
      expect(await cache.get(key)).toEqual(value);
    });

    it('expires entries after their time to live', async () => {
      const short = open(50);
      const key = randomUUID();
      await short.set(key, value);
      await new Promise((r) => setTimeout(r, 120));
      expect(await short.get(key)).toBeUndefined();
      await short.close();
    });

    it('forgets everything on flush', async () => {
      const key = randomUUID();
      await cache.set(key, value);
      await cache.flush();
      expect(await cache.get(key)).toBeUndefined();
    });
  });
}

function knowledgeVersionsContract(name: string, open: () => KnowledgeVersions) {
  describe(`KnowledgeVersions contract: ${name}`, () => {
    let versions: KnowledgeVersions;
    beforeEach(() => {
      versions = open();
    });
    afterEach(async () => versions.close());

    it('changes a scope’s knowledge version on every bump and leaves other scopes alone', async () => {
      const tenant = `t-${randomUUID()}`;
      const before = (await versions.read(tenant, ['tenant']))[0];
      const other = (await versions.read(tenant, ['channel:C1']))[0];
      await versions.bump(tenant, 'tenant');
      const after = (await versions.read(tenant, ['tenant']))[0];
      expect(after).not.toBe(before);
      await versions.bump(tenant, 'tenant');
      expect((await versions.read(tenant, ['tenant']))[0]).not.toBe(after);
      expect((await versions.read(tenant, ['channel:C1']))[0]).toBe(other);
    });

    it('reads several scopes’ versions in one call, each its own', async () => {
      const tenant = `t-${randomUUID()}`;
      await versions.bump(tenant, 'channel:C1');
      const [channel, workspace] = await versions.read(tenant, ['channel:C1', 'tenant']);
      expect(channel).not.toBe('0');
      expect(workspace).toBe('0');
      await versions.bump(tenant, 'tenant');
      const again = await versions.read(tenant, ['channel:C1', 'tenant']);
      expect(again[0]).toBe(channel);
      expect(again[1]).not.toBe('0');
    });
  });
}

answerCacheContract(
  'keyv in memory (a bounded LRU map, as the service builds it)',
  (ttlMs) => new KeyvAnswerCache(new Keyv({ store: new LRUCache<string, object>({ max: 100 }) }), { ttlMs }),
);
const keyvOnRedis = (namespace: string) =>
  new Keyv({ store: new KeyvRedis(REDIS_URL), namespace, useKeyPrefix: false });
answerCacheContract(
  'keyv on Redis',
  (ttlMs) => new KeyvAnswerCache(keyvOnRedis(`docent-test-${randomUUID()}`), { ttlMs, timeoutMs: 500 }),
);
knowledgeVersionsContract('in memory', () => new MemoryKnowledgeVersions(100));
knowledgeVersionsContract(
  'keyv on Redis',
  () => new KeyvKnowledgeVersions(keyvOnRedis(`docent-test-${randomUUID()}-versions`), { timeoutMs: 500 }),
);

describe('the caches as the service builds them', () => {
  it('keeps knowledge versions through a flush of the answers, so answers to older documents never come back', async () => {
    for (const config of [inMemory, onRedis]) {
      const cache = await createAnswerCache(config, logger);
      const versions = await createKnowledgeVersions(config, logger);
      const tenant = `t-${randomUUID()}`;
      await versions.bump(tenant, 'tenant');
      const [version] = await versions.read(tenant, ['tenant']);
      await cache.flush();
      expect(await versions.read(tenant, ['tenant'])).toEqual([version]);
      await cache.close();
      await versions.close();
    }
  });

  it('keeps the newest answers in memory, within its bound', async () => {
    const cache = await createAnswerCache(inMemory, logger);
    for (let i = 0; i < 12_000; i++) await cache.set(`answer-${i}`, value);
    expect(await cache.get('answer-0')).toBeUndefined();
    expect(await cache.get('answer-11999')).toEqual(value);
    await cache.close();
  });
});

describe('flushing one tenant’s answers', () => {
  const stores: [string, () => { cache: AnswerCache; versions: KnowledgeVersions }][] = [
    [
      'in memory',
      () => ({
        cache: new KeyvAnswerCache(new Keyv({ store: new LRUCache<string, object>({ max: 100 }) }), {
          ttlMs: 60_000,
        }),
        versions: new MemoryKnowledgeVersions(100),
      }),
    ],
    [
      'on Redis',
      () => {
        const prefix = `docent-test-${randomUUID()}`;
        return {
          cache: new KeyvAnswerCache(keyvOnRedis(prefix), { ttlMs: 60_000, timeoutMs: 500 }),
          versions: new KeyvKnowledgeVersions(keyvOnRedis(`${prefix}-versions`), { timeoutMs: 500 }),
        };
      },
    ],
  ];

  it.each(stores)('retires that tenant’s cached answers and keeps other tenants’ (%s)', async (_, open) => {
    const { cache, versions } = open();
    const lookUp = cacheLookup({ cache, versions, models: {} });
    const acme: Audience = { tenantId: 'acme', scopes: ['tenant', 'channel:C1'] };
    const globex: Audience = { tenantId: 'globex', scopes: ['tenant'] };
    const question = 'How do I rotate the API key?';
    for (const audience of [acme, globex]) await cache.set((await lookUp(audience, question)).key, value);
    const hit = async (audience: Audience) => (await lookUp(audience, question)).hit;
    expect(await hit(acme)).toEqual(value);
    await versions.retireAnswers('acme');
    expect(await hit(acme)).toBeUndefined();
    expect(await hit(globex)).toEqual(value);
    await cache.close();
    await versions.close();
  });
});

describe('a dead Redis', () => {
  it('costs about the timeout per call and never throws', async () => {
    const errors: unknown[] = [];
    const dead = () =>
      new Keyv({
        store: new KeyvRedis('redis://127.0.0.1:1', { throwOnConnectError: false, connectionTimeout: 200 }),
      }).on('error', (e: unknown) => errors.push(e));
    const options = { timeoutMs: 50, onError: (e: unknown) => errors.push(e) };
    const cache = new KeyvAnswerCache(dead(), { ttlMs: 1000, ...options });
    const versions = new KeyvKnowledgeVersions(dead(), options);
    const started = performance.now();
    expect(await cache.get('k')).toBeUndefined();
    await cache.set('k', value);
    expect((await versions.read('t', ['tenant']))[0]).toBe('0');
    // Three calls bounded at 50 ms each; unbounded, each would wait out the 200 ms connection
    // timeout (600 ms in all). The margin is for a loaded machine.
    expect(performance.now() - started).toBeLessThan(3 * 50 + 300);
    await cache.close();
    await versions.close();
  });
});

describe('knowledge versions in memory', () => {
  it('forget the tenants first bumped longest ago once past the bound, never the one bumping', async () => {
    const versions = new MemoryKnowledgeVersions(3);
    await versions.bump('t1', 'tenant');
    await versions.bump('t1', 'channel:C1');
    const t1 = await versions.read('t1', ['tenant', 'channel:C1']);
    await versions.bump('t2', 'tenant');
    const [t2] = await versions.read('t2', ['tenant']);
    await versions.bump('t3', 'tenant');
    expect(await versions.read('t2', ['tenant'])).toEqual([t2]);
    expect((await versions.read('t3', ['tenant']))[0]).not.toBe('0');
    // A forgotten tenant reads as neither its old versions nor the initial one, so no answer
    // cached under either can come back; other scopes never bumped change with it.
    const forgotten = await versions.read('t1', ['tenant', 'channel:C1']);
    for (const version of forgotten) expect([...t1, '0']).not.toContain(version);
    expect(await versions.read('t9', ['tenant'])).toEqual([forgotten[0]]);
  });
});
