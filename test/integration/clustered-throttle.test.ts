import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { ThrottleLimits } from '../../src/stores/local/bottleneck-throttle.js';
import { ClusteredThrottle } from '../../src/stores/redis/clustered-throttle.js';
import { RedisServer } from '../helpers/redis-server.js';
import { until } from '../helpers/until.js';

const SHARED_REDIS = 'redis://127.0.0.1:6379';

interface LogLine {
  level: number;
  msg: string;
}

/** One instance of the service's throttle, as a separate process would hold it, with its own log. */
function instance(redisUrl: string, keyPrefix: string, limits: ThrottleLimits) {
  const log: LogLine[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => log.push(JSON.parse(line)) });
  const throttle = new ClusteredThrottle({ limits, redisUrl, logger, keyPrefix, redisTimeoutMs: 50 });
  opened.push(throttle);
  return {
    throttle,
    log,
    warnings: () => log.filter((l) => l.level === 40),
    infos: () => log.filter((l) => l.level === 30),
  };
}

const opened: ClusteredThrottle[] = [];
const servers: RedisServer[] = [];

afterEach(async () => {
  await Promise.all(opened.splice(0).map((t) => t.close()));
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

const answer =
  (ms = 1) =>
  () =>
    new Promise<string>((resolve) => setTimeout(() => resolve('answer'), ms));

/** Two instances on the shared Redis with their own key prefix, once both share limits. */
async function sharedPair(limits: ThrottleLimits) {
  const prefix = `test:${randomUUID()}`;
  const a = instance(SHARED_REDIS, prefix, limits);
  const b = instance(SHARED_REDIS, prefix, limits);
  await until(() => a.throttle.shared && b.throttle.shared, 3000);
  return [a, b] as const;
}

/** A task taking `ms` that records how many copies of it ran at once. */
function concurrencyProbe(ms: number) {
  let running = 0;
  let peak = 0;
  const task = async () => {
    running++;
    peak = Math.max(peak, running);
    await answer(ms)();
    running--;
    return 'answer';
  };
  return { task, peak: () => peak };
}

async function timed<T>(call: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await call();
  return { result, ms: performance.now() - started };
}

describe('ClusteredThrottle', () => {
  it('shares one user’s per-minute limit across two instances', async () => {
    const [a, b] = await sharedPair({ perMinute: 2, queue: 0, tenantConcurrency: 8 });

    expect(await a.throttle.run('acme:slack:u1', answer())).toEqual({ ok: true, value: 'answer' });
    expect(await b.throttle.run('acme:slack:u1', answer())).toEqual({ ok: true, value: 'answer' });
    const third = await a.throttle.run('acme:slack:u1', answer());
    expect(third.ok).toBe(false);
    const retryAfterMs = third.ok ? 0 : third.retryAfterMs;
    expect(retryAfterMs).toBeGreaterThan(0);
    expect(retryAfterMs).toBeLessThanOrEqual(60_000);
    expect((await b.throttle.run('acme:slack:u1', answer())).ok).toBe(false);
    // Someone else in the same workspace still gets answers.
    expect((await b.throttle.run('acme:slack:u2', answer())).ok).toBe(true);
  });

  it('answers one question per user at a time across both instances', async () => {
    const [a, b] = await sharedPair({ perMinute: 10, queue: 2, tenantConcurrency: 8 });

    const { task, peak } = concurrencyProbe(80);
    const results = await Promise.all([
      a.throttle.run('acme:discord:u1', task),
      b.throttle.run('acme:discord:u1', task),
      a.throttle.run('acme:discord:u1', task),
      b.throttle.run('acme:discord:u1', task),
    ]);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(peak()).toBe(1);
  });

  it('caps one tenant’s questions answered at once across both instances', async () => {
    const [a, b] = await sharedPair({ perMinute: 10, queue: 2, tenantConcurrency: 1 });

    const { task, peak } = concurrencyProbe(60);
    const results = await Promise.all([
      a.throttle.run('busy:slack:u1', task),
      b.throttle.run('busy:slack:u2', task),
      a.throttle.run('busy:slack:u3', task),
    ]);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(peak()).toBe(1);
  });

  it('falls back to per-instance limits while Redis is down, says so once, and shares again when it returns', async () => {
    const redis = await RedisServer.start();
    servers.push(redis);
    const prefix = `test:${randomUUID()}`;
    const limits = { perMinute: 2, queue: 0, tenantConcurrency: 8 };
    const a = instance(redis.url, prefix, limits);
    const b = instance(redis.url, prefix, limits);
    await until(() => a.throttle.shared && b.throttle.shared, 3000);
    expect((await a.throttle.run('acme:slack:before', answer())).ok).toBe(true);
    expect((await a.throttle.run('acme:slack:before', answer())).ok).toBe(true);
    expect((await b.throttle.run('acme:slack:before', answer())).ok).toBe(false);

    await redis.stop();
    await until(() => !a.throttle.shared && !b.throttle.shared, 3000);
    // Each instance now limits on its own: two questions each, the third refused, all at once.
    for (const { throttle } of [a, b]) {
      for (let i = 0; i < 2; i++) {
        const { result, ms } = await timed(() => throttle.run('acme:slack:during', answer()));
        expect(result.ok).toBe(true);
        expect(ms).toBeLessThan(60);
      }
      const { result, ms } = await timed(() => throttle.run('acme:slack:during', answer()));
      expect(result.ok).toBe(false);
      expect(ms).toBeLessThan(60);
    }
    // Several failed reconnection attempts later, still one line each.
    await new Promise((r) => setTimeout(r, 400));
    expect(a.warnings()).toHaveLength(1);
    expect(b.warnings()).toHaveLength(1);
    expect(a.warnings()[0]?.msg).toMatch(/Redis unavailable/);

    await redis.restart();
    await until(() => a.throttle.shared && b.throttle.shared, 5000);
    expect((await a.throttle.run('acme:slack:after', answer())).ok).toBe(true);
    expect((await b.throttle.run('acme:slack:after', answer())).ok).toBe(true);
    expect((await a.throttle.run('acme:slack:after', answer())).ok).toBe(false);
    expect(a.infos().filter((l) => /Redis is back/.test(l.msg))).toHaveLength(1);
    expect(b.infos().filter((l) => /Redis is back/.test(l.msg))).toHaveLength(1);
    expect(a.warnings()).toHaveLength(1);
  });
  it('moves a question waiting on the shared limits to local ones when Redis dies under it', async () => {
    const redis = await RedisServer.start();
    servers.push(redis);
    const limits = { perMinute: 10, queue: 1, tenantConcurrency: 8 };
    const prefix = `test:${randomUUID()}`;
    const a = instance(redis.url, prefix, limits);
    const b = instance(redis.url, prefix, limits);
    await until(() => a.throttle.shared && b.throttle.shared, 3000);

    const first = a.throttle.run('acme:slack:u1', answer(300));
    await new Promise((r) => setTimeout(r, 50));
    // Waits behind the question in flight on the other instance...
    const waiting = timed(() => b.throttle.run('acme:slack:u1', answer()));
    await new Promise((r) => setTimeout(r, 50));
    await redis.stop();
    // ...and is answered under this instance's own limits instead of waiting for Redis.
    const { result, ms } = await waiting;
    expect(result).toEqual({ ok: true, value: 'answer' });
    expect(ms).toBeGreaterThanOrEqual(40);
    expect(ms).toBeLessThan(250);
    expect(await first).toEqual({ ok: true, value: 'answer' });
  });

  it('answers at once under local limits when Redis is down from the start, saying so once', async () => {
    const a = instance('redis://127.0.0.1:1', `test:${randomUUID()}`, {
      perMinute: 1,
      queue: 0,
      tenantConcurrency: 8,
    });
    await until(() => a.warnings().length > 0, 3000);
    const { result, ms } = await timed(() => a.throttle.run('acme:slack:u1', answer()));
    expect(result.ok).toBe(true);
    expect(ms).toBeLessThan(60);
    expect((await a.throttle.run('acme:slack:u1', answer())).ok).toBe(false);
    await new Promise((r) => setTimeout(r, 300));
    expect(a.warnings()).toHaveLength(1);
  });
});

it('signals a question admitted by the shared limits before it waits for the workspace', async () => {
  const [a, b] = await sharedPair({ perMinute: 10, queue: 2, tenantConcurrency: 1 });
  const tenant = `t${randomUUID().slice(0, 8)}`;
  let openGate = () => {};
  const gate = new Promise<void>((resolve) => {
    openGate = resolve;
  });
  const first = a.throttle.run(`${tenant}:slack:u1`, async () => {
    await gate;
    return 'first';
  });
  await new Promise((resolve) => setTimeout(resolve, 200));
  const events: string[] = [];
  const second = b.throttle.run(
    `${tenant}:slack:u2`,
    async () => {
      events.push('answered');
      return 'second';
    },
    async () => {
      events.push('admitted');
    },
  );
  await until(() => events.length > 0, 3000);
  expect(events).toEqual(['admitted']);
  openGate();
  expect(await first).toEqual({ ok: true, value: 'first' });
  expect(await second).toEqual({ ok: true, value: 'second' });
  expect(events).toEqual(['admitted', 'answered']);
});
