import { describe, expect, it } from 'vitest';
import { BottleneckThrottle } from '../../src/stores/local/bottleneck-throttle.js';
import { until } from '../helpers/until.js';

const slow = (ms: number, value: string) => () =>
  new Promise<string>((resolve) => setTimeout(() => resolve(value), ms));

describe('BottleneckThrottle', () => {
  it("signals a question admitted by the person's limits before it waits for the workspace", async () => {
    const throttle = new BottleneckThrottle({ perMinute: 10, queue: 2, tenantConcurrency: 1 });
    let openGate = () => {};
    const gate = new Promise<void>((resolve) => {
      openGate = resolve;
    });
    const first = throttle.run('t1:slack:u1', async () => {
      await gate;
      return 'first';
    });
    const events: string[] = [];
    const second = throttle.run(
      't1:slack:u2',
      async () => {
        events.push('answered');
        return 'second';
      },
      async () => {
        events.push('admitted');
      },
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    // The workspace's only slot is still taken, yet u2 already knows the question is coming.
    expect(events).toEqual(['admitted']);
    openGate();
    expect(await second).toEqual({ ok: true, value: 'second' });
    expect(await first).toEqual({ ok: true, value: 'first' });
    expect(events).toEqual(['admitted', 'answered']);
  });

  it("does not signal a question refused because the person's queue is full", async () => {
    const throttle = new BottleneckThrottle({ perMinute: 10, queue: 0, tenantConcurrency: 8 });
    const inFlight = throttle.run('t1:slack:u1', slow(100, 'x'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    let admitted = false;
    const refused = await throttle.run('t1:slack:u1', slow(1, 'y'), async () => {
      admitted = true;
    });
    expect(refused.ok).toBe(false);
    expect(admitted).toBe(false);
    expect((await inFlight).ok).toBe(true);
  });

  it("does not signal a question the person's limits refuse", async () => {
    const throttle = new BottleneckThrottle({ perMinute: 1, queue: 0, tenantConcurrency: 8 });
    expect((await throttle.run('t1:slack:u1', slow(1, 'x'))).ok).toBe(true);
    let admitted = false;
    const refused = await throttle.run('t1:slack:u1', slow(1, 'y'), async () => {
      admitted = true;
    });
    expect(refused.ok).toBe(false);
    expect(admitted).toBe(false);
  });

  it('runs one question per user at a time and refuses past the queue, saying when to retry', async () => {
    const throttle = new BottleneckThrottle({ perMinute: 10, queue: 1, tenantConcurrency: 8 });
    const order: string[] = [];
    const track = (id: string) => async () => {
      order.push(`start ${id}`);
      await slow(50, id)();
      order.push(`end ${id}`);
      return id;
    };
    const results = await Promise.all([
      throttle.run('t1:slack:u1', track('a')),
      throttle.run('t1:slack:u1', track('b')),
      throttle.run('t1:slack:u1', track('c')),
    ]);
    expect(results[0]).toEqual({ ok: true, value: 'a' });
    expect(results[1]).toEqual({ ok: true, value: 'b' });
    expect(results[2]?.ok).toBe(false);
    expect(results[2]?.ok === false && results[2].retryAfterMs).toBeGreaterThan(0);
    expect(results[2]?.ok === false && results[2].retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(order).toEqual(['start a', 'end a', 'start b', 'end b']);
  });

  it('limits the rate per minute, and other users are not affected', async () => {
    const throttle = new BottleneckThrottle({ perMinute: 2, queue: 0, tenantConcurrency: 8 });
    const first = await throttle.run('t1:discord:u1', slow(1, 'x'));
    const second = await throttle.run('t1:discord:u1', slow(1, 'y'));
    expect([first.ok, second.ok]).toEqual([true, true]);
    // The reservoir is empty: with no queue allowed, the third is refused at once.
    const started = Date.now();
    const third = await throttle.run('t1:discord:u1', slow(1, 'z'));
    expect(third.ok).toBe(false);
    expect(Date.now() - started).toBeLessThan(1000);
    expect((await throttle.run('t1:discord:u2', slow(1, 'w'))).ok).toBe(true);
  });

  it('refuses a question past the minute’s allowance at once, even with room in the queue', async () => {
    const throttle = new BottleneckThrottle({ perMinute: 2, queue: 2, tenantConcurrency: 8 });
    expect((await throttle.run('t1:http:u1', slow(1, 'x'))).ok).toBe(true);
    expect((await throttle.run('t1:http:u1', slow(1, 'y'))).ok).toBe(true);
    const started = Date.now();
    const third = await throttle.run('t1:http:u1', slow(1, 'z'));
    // Waiting in the queue would mean up to a minute of silence; the person hears when instead.
    expect(third.ok).toBe(false);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('caps how many questions one tenant has answered at once', async () => {
    const throttle = new BottleneckThrottle({ perMinute: 100, queue: 5, tenantConcurrency: 2 });
    let running = 0;
    let peak = 0;
    const task = async () => {
      running++;
      peak = Math.max(peak, running);
      await slow(30, '')();
      running--;
      return '';
    };
    await Promise.all(Array.from({ length: 6 }, (_, i) => throttle.run(`busy:slack:u${i}`, task)));
    expect(peak).toBe(2);
  });

  it('drops the limiters of people who went quiet, however many came', async () => {
    const idleMs = 1000;
    const throttle = new BottleneckThrottle({ perMinute: 1, queue: 0, tenantConcurrency: 8 }, idleMs);
    const people = 300;
    const runs = await Promise.all(
      Array.from({ length: people }, (_, i) => throttle.run(`t${i % 5}:http:u${i}`, async () => i)),
    );
    expect(runs.every((r) => r.ok)).toBe(true);
    expect(throttle.limiterCount).toBeGreaterThan(0);
    // Bottleneck looks for idle limiters every half idle time.
    await until(() => throttle.limiterCount === 0 || undefined, 5000);
    // Someone coming back starts afresh, and the limit holds again.
    expect(await throttle.run('t0:http:u0', async () => 'again')).toEqual({ ok: true, value: 'again' });
    expect((await throttle.run('t0:http:u0', async () => 'too soon')).ok).toBe(false);
  });
});
