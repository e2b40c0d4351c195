import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { ScheduledSync } from '../../src/core/ports/source-scheduler.js';
import type { Source } from '../../src/core/ports/source-store.js';
import { IntervalSourceScheduler } from '../../src/stores/local/interval-source-scheduler.js';
import { BullSourceScheduler } from '../../src/stores/redis/bullmq-source-scheduler.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

const source = (id: string, everyMs: number, nextSyncAt?: string): Source => ({
  id,
  tenantId: 'T1',
  kind: 'web',
  target: 'https://docs.example.com/',
  scope: 'tenant',
  everyMs,
  settings: {},
  createdAt: '2026-12-01T00:00:00.000Z',
  state: { failures: 0, nextSyncAt },
});

describe('scheduled syncs on Redis', () => {
  it('run once per period across two instances sharing one Redis', async () => {
    const prefix = `docent-test-${randomUUID()}`;
    const runs: string[] = [];
    const sources = [source('src_shared', 1000)];
    const instance = (name: string): ScheduledSync => ({
      list: async () => sources,
      run: async (id) => {
        runs.push(`${name}:${id}`);
      },
    });
    const options = {
      redisUrl: REDIS_URL,
      prefix,
      retryMs: 100,
      attempts: 2,
      checkMs: 60_000,
      onError: () => {},
    };
    const first = new BullSourceScheduler(options);
    const second = new BullSourceScheduler(options);
    const startedAt = Date.now();
    await first.start(instance('a'));
    await second.start(instance('b'));
    await sleep(3500);
    const elapsed = Date.now() - startedAt;
    await first.unschedule('src_shared');
    await Promise.all([first.close(), second.close()]);
    // One run per period begun (the first at once), never one per instance.
    expect(runs.length).toBeGreaterThanOrEqual(3);
    expect(runs.length).toBeLessThanOrEqual(Math.floor(elapsed / 1000) + 1);
  }, 20_000);
});

describe('scheduled syncs in one process', () => {
  it('sync what is due, and after a restart wait for the recorded next sync', async () => {
    let now = Date.parse('2026-12-03T10:00:00.000Z');
    const stored = [source('src_new', 3_600_000), source('src_later', 3_600_000, '2026-12-03T12:00:00.000Z')];
    const runs: string[] = [];
    const sync: ScheduledSync = {
      list: async () => stored,
      run: async (id) => {
        runs.push(id);
        const s = stored.find((x) => x.id === id) as Source;
        s.state = {
          failures: 0,
          lastSyncAt: new Date(now).toISOString(),
          nextSyncAt: new Date(now + s.everyMs).toISOString(),
        };
      },
    };
    const options = { checkMs: 60_000, now: () => now, onError: () => {} };
    const before = new IntervalSourceScheduler(options);
    await before.start(sync);
    await before.tick();
    expect(runs).toEqual(['src_new']);
    await before.close();

    // A restart half an hour later: nothing is due yet.
    now += 30 * 60_000;
    const after = new IntervalSourceScheduler(options);
    await after.start(sync);
    await after.tick();
    expect(runs).toEqual(['src_new']);
    now += 31 * 60_000;
    await after.tick();
    expect(runs).toEqual(['src_new', 'src_new']);
    now += 60 * 60_000;
    await after.tick();
    expect(runs).toEqual(['src_new', 'src_new', 'src_new', 'src_later']);
    await after.close();
  });
});
