import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RedisWriterLock } from '../../src/stores/redis/redis-writer-lock.js';
import { RedisServer } from '../helpers/redis-server.js';

// Two clients stand for two instances: each its own connection to one Redis.
let server: RedisServer;
const clients: Redis[] = [];

beforeAll(async () => {
  server = await RedisServer.start();
});

afterAll(async () => {
  for (const c of clients) c.disconnect();
  await server.stop();
});

async function client(): Promise<Redis> {
  const redis = new Redis(server.url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    lazyConnect: true,
  });
  redis.on('error', () => {});
  clients.push(redis);
  await redis.connect();
  return redis;
}

it('lets one instance write at a time', async () => {
  const key = `lock-${randomUUID()}`;
  const locks = [
    new RedisWriterLock(await client(), key, () => {}),
    new RedisWriterLock(await client(), key, () => {}),
  ];
  let writing = 0;
  let most = 0;
  const write = async () => {
    writing++;
    most = Math.max(most, writing);
    await new Promise((r) => setTimeout(r, 15));
    writing--;
  };
  await Promise.all(Array.from({ length: 10 }, (_, i) => locks[i % 2]?.run(write)));
  expect(most).toBe(1);
});

it('frees the turn of an instance that died holding it once it stops being renewed', async () => {
  const key = `lock-${randomUUID()}`;
  const redis = await client();
  // What a crashed instance leaves: a turn that is nobody's now and no longer renewed.
  await redis.set(key, 'dead-instance', 'PX', 300);
  const lock = new RedisWriterLock(redis, key, () => {}, { holdMs: 300 });
  expect(await lock.run(async () => 'written')).toBe('written');
});

it('writes alone while Redis is down, and says so once', async () => {
  const redis = await client();
  const warnings: string[] = [];
  const lock = new RedisWriterLock(redis, `lock-${randomUUID()}`, () => warnings.push('down'));
  await server.stop();
  while (redis.status === 'ready') await new Promise((r) => setTimeout(r, 10));
  expect(await lock.run(async () => 1)).toBe(1);
  expect(await lock.run(async () => 2)).toBe(2);
  expect(warnings).toEqual(['down']);
  await server.restart();
});
