import { randomUUID } from 'node:crypto';
import KeyvRedis from '@keyv/redis';
import Keyv from 'keyv';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAnswerCache } from '../../src/backends.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import type { AnswerCache, CachedAnswer } from '../../src/stores/answer-cache.js';
import { KeyvAnswerCache } from '../../src/stores/keyv-answer-cache.js';
import { MemoryKnowledgeVersions } from '../../src/stores/knowledge-versions.js';
import { MemoryOpeningTurns } from '../../src/stores/opening-turns.js';
import { BoundedMap } from '../../src/stores/trim-oldest.js';

const REDIS_URL = 'redis://127.0.0.1:6379';
const value: CachedAnswer = {
  answer: 'Rotate it in Settings [1].',
  model: 'gpt-4o-mini',
  route: 'cheap',
  sources: [
    { n: 1, doc_id: 'd1', title: 'Keys', source: 'keys.md', score: 0.5, text: 'Rotate it in Settings.' },
  ],
};

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

    it('changes a scope’s knowledge version on every bump and leaves other scopes alone', async () => {
      const tenant = `t-${randomUUID()}`;
      const before = (await cache.knowledgeVersions(tenant, ['tenant']))[0];
      const other = (await cache.knowledgeVersions(tenant, ['channel:C1']))[0];
      await cache.bumpKnowledgeVersion(tenant, 'tenant');
      const after = (await cache.knowledgeVersions(tenant, ['tenant']))[0];
      expect(after).not.toBe(before);
      await cache.bumpKnowledgeVersion(tenant, 'tenant');
      expect((await cache.knowledgeVersions(tenant, ['tenant']))[0]).not.toBe(after);
      expect((await cache.knowledgeVersions(tenant, ['channel:C1']))[0]).toBe(other);
    });

    it('reads several scopes’ versions in one call, each its own', async () => {
      const tenant = `t-${randomUUID()}`;
      await cache.bumpKnowledgeVersion(tenant, 'channel:C1');
      const [channel, workspace] = await cache.knowledgeVersions(tenant, ['channel:C1', 'tenant']);
      expect(channel).not.toBe('0');
      expect(workspace).toBe('0');
      await cache.bumpKnowledgeVersion(tenant, 'tenant');
      const again = await cache.knowledgeVersions(tenant, ['channel:C1', 'tenant']);
      expect(again[0]).toBe(channel);
      expect(again[1]).not.toBe('0');
    });

    it('keeps a thread’s opening turn until it is taken, once', async () => {
      const thread = `slack:T1:C1:${randomUUID()}`;
      const turn = {
        question: 'when do backups run?',
        standalone: 'when do backups run?',
        answer: 'At 02:00 [1].',
      };
      await cache.rememberOpeningTurn(thread, turn);
      expect(await cache.takeOpeningTurn(`${thread}-other`)).toBeUndefined();
      expect(await cache.takeOpeningTurn(thread)).toEqual(turn);
      expect(await cache.takeOpeningTurn(thread)).toBeUndefined();
    });

    it('forgets everything on flush', async () => {
      const key = randomUUID();
      await cache.set(key, value);
      await cache.rememberOpeningTurn(`thread-${key}`, { question: 'q', standalone: 'q', answer: 'a' });
      await cache.flush();
      expect(await cache.get(key)).toBeUndefined();
      expect(await cache.takeOpeningTurn(`thread-${key}`)).toBeUndefined();
    });

    it('keeps knowledge versions through a flush, so answers to older documents never come back', async () => {
      const tenant = `t-${randomUUID()}`;
      await cache.bumpKnowledgeVersion(tenant, 'tenant');
      const [version] = await cache.knowledgeVersions(tenant, ['tenant']);
      await cache.flush();
      expect(await cache.knowledgeVersions(tenant, ['tenant'])).toEqual([version]);
    });
  });
}

answerCacheContract(
  'keyv in memory',
  (ttlMs) =>
    new KeyvAnswerCache(
      // As the service builds it: entries kept as objects, not serialised.
      new Keyv({
        store: new BoundedMap(100),
        namespace: 'docent',
        serialize: undefined,
        deserialize: undefined,
      }),
      // In-process calls cannot hang, so the service sets no timeout on them.
      { ttlMs, turnTtlMs: 60_000 },
      { versions: new Keyv({ store: new BoundedMap(100), serialize: undefined, deserialize: undefined }) },
    ),
);
answerCacheContract(
  'keyv in memory, versions and opening turns in maps of their own',
  (ttlMs) =>
    new KeyvAnswerCache(
      new Keyv({ store: new BoundedMap(100), serialize: undefined, deserialize: undefined }),
      { ttlMs, turnTtlMs: 60_000 },
      { versions: new MemoryKnowledgeVersions(100), turns: new MemoryOpeningTurns(100, 60_000) },
    ),
);
const onRedis = (namespace: string) =>
  new Keyv({ store: new KeyvRedis(REDIS_URL), namespace, useKeyPrefix: false });
answerCacheContract('keyv on Redis', (ttlMs) => {
  const namespace = `docent-test-${randomUUID()}`;
  return new KeyvAnswerCache(
    onRedis(namespace),
    { ttlMs, turnTtlMs: 60_000, timeoutMs: 500, batchReads: true },
    { versions: onRedis(`${namespace}-versions`) },
  );
});

describe('a dead Redis', () => {
  it('costs about the timeout per call and never throws', async () => {
    const errors: unknown[] = [];
    const dead = () =>
      new Keyv({
        store: new KeyvRedis('redis://127.0.0.1:1', { throwOnConnectError: false, connectionTimeout: 200 }),
      }).on('error', (e: unknown) => errors.push(e));
    const cache = new KeyvAnswerCache(
      dead(),
      { ttlMs: 1000, turnTtlMs: 1000, timeoutMs: 50, onError: (e) => errors.push(e) },
      { versions: dead() },
    );
    const started = performance.now();
    expect(await cache.get('k')).toBeUndefined();
    await cache.set('k', value);
    expect((await cache.knowledgeVersions('t', ['tenant']))[0]).toBe('0');
    expect(performance.now() - started).toBeLessThan(3 * 50 + 100);
    await cache.close();
  });

  it('keeps only the newest entries in memory', () => {
    const map = new BoundedMap<string, number>(2);
    map.set('a', 1).set('b', 2).set('a', 3).set('c', 4);
    expect([...map.keys()]).toEqual(['a', 'c']);
  });
});

describe('opening turns in memory', () => {
  it('are given once, and not after their time to live', async () => {
    let now = 0;
    const turns = new MemoryOpeningTurns(100, 1_000, () => now);
    const turn = { question: 'q', standalone: 'q', answer: 'a' };
    await turns.remember('kept', turn);
    await turns.remember('stale', turn);
    now = 999;
    expect(await turns.take('kept')).toEqual(turn);
    expect(await turns.take('kept')).toBeUndefined();
    now = 1_000;
    expect(await turns.take('stale')).toBeUndefined();
  });

  it('keep only the newest threads’ turns', async () => {
    const turns = new MemoryOpeningTurns(10, 60_000);
    for (let i = 0; i < 30; i++)
      await turns.remember(`thread-${i}`, { question: `q${i}`, standalone: `q${i}`, answer: 'a' });
    expect(await turns.take('thread-0')).toBeUndefined();
    expect((await turns.take('thread-29'))?.question).toBe('q29');
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

describe('the in-memory cache as the service builds it', () => {
  it('keeps answers and knowledge versions while many one-off conversations come and go', async () => {
    const cache = await createAnswerCache(
      loadConfig({ DATA_DIR: '/tmp/unused', LOG_LEVEL: 'silent' }),
      createLogger('silent'),
    );
    await cache.bumpKnowledgeVersion('acme', 'tenant');
    const version = (await cache.knowledgeVersions('acme', ['tenant']))[0];
    await cache.set('answer-key', value);
    // Each conversation opened from the cache leaves its first turn behind.
    for (let i = 0; i < 12_000; i++)
      await cache.rememberOpeningTurn(`thread-${i}`, { question: 'q', standalone: 'q', answer: 'a' });
    expect(await cache.get('answer-key')).toEqual(value);
    expect((await cache.knowledgeVersions('acme', ['tenant']))[0]).toBe(version);
    await cache.close();
  });
});
