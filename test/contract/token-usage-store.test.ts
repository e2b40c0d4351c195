import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { TokenUsageStore } from '../../src/core/ports/token-usage-store.js';
import { MemoryTokenUsageStore } from '../../src/stores/memory/memory-token-usage-store.js';
import { RedisTokenUsageStore } from '../../src/stores/redis/redis-token-usage-store.js';

const REDIS_URL = 'redis://127.0.0.1:6379';
const connections: Redis[] = [];

function connect(url = REDIS_URL): Redis {
  // The options the service uses: no offline queue, so a dead Redis fails at once.
  const redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 1000 });
  redis.on('error', () => {});
  connections.push(redis);
  return redis;
}

async function connected(url = REDIS_URL): Promise<Redis> {
  const redis = connect(url);
  if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
  return redis;
}

afterAll(() => {
  for (const redis of connections) redis.disconnect();
});

function tokenUsageContract(name: string, open: () => Promise<TokenUsageStore>) {
  describe(`TokenUsageStore contract: ${name}`, () => {
    it('adds up a tenant’s tokens for the day and starts every tenant and day at zero', async () => {
      const store = await open();
      await store.add('acme', '2025-03-01', 1200);
      await store.add('acme', '2025-03-01', 300);
      expect(await store.spent('acme', '2025-03-01')).toBe(1500);
      expect(await store.spent('acme', '2025-03-02')).toBe(0);
      expect(await store.spent('globex', '2025-03-01')).toBe(0);
    });

    it('counts every one of many concurrent additions', async () => {
      const store = await open();
      await Promise.all(Array.from({ length: 25 }, () => store.add('acme', '2025-03-01', 40)));
      expect(await store.spent('acme', '2025-03-01')).toBe(1000);
    });
  });
}

tokenUsageContract('in memory', async () => new MemoryTokenUsageStore());
tokenUsageContract(
  'on Redis',
  async () =>
    new RedisTokenUsageStore(await connected(), new MemoryTokenUsageStore(), {
      timeoutMs: 500,
      keyPrefix: `docent-test:${randomUUID()}`,
    }),
);

describe('token usage in Redis', () => {
  it('is one count for every instance', async () => {
    const keyPrefix = `docent-test:${randomUUID()}`;
    const a = new RedisTokenUsageStore(await connected(), new MemoryTokenUsageStore(), {
      timeoutMs: 500,
      keyPrefix,
    });
    const b = new RedisTokenUsageStore(await connected(), new MemoryTokenUsageStore(), {
      timeoutMs: 500,
      keyPrefix,
    });
    await a.add('acme', '2025-03-01', 700);
    await b.add('acme', '2025-03-01', 500);
    expect(await a.spent('acme', '2025-03-01')).toBe(1200);
    expect(await b.spent('acme', '2025-03-01')).toBe(1200);
  });

  it('expires a day’s counter after about two days', async () => {
    const keyPrefix = `docent-test:${randomUUID()}`;
    const redis = await connected();
    const store = new RedisTokenUsageStore(redis, new MemoryTokenUsageStore(), { timeoutMs: 500, keyPrefix });
    await store.add('acme', '2025-03-01', 10);
    const ttl = await redis.ttl(`${keyPrefix}:2025-03-01:acme`);
    expect(ttl).toBeGreaterThan(47 * 3600);
    expect(ttl).toBeLessThanOrEqual(48 * 3600);
  });

  it('when down, costs about the timeout, never throws and keeps this instance’s own count', async () => {
    const errors: unknown[] = [];
    const store = new RedisTokenUsageStore(connect('redis://127.0.0.1:1'), new MemoryTokenUsageStore(), {
      timeoutMs: 50,
      onError: (error) => errors.push(error),
    });
    const started = performance.now();
    await store.add('acme', '2025-03-01', 900);
    expect(await store.spent('acme', '2025-03-01')).toBe(900);
    expect(performance.now() - started).toBeLessThan(2 * 50 + 100);
    expect(errors.length).toBeGreaterThan(0);
  });
});
