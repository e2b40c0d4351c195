import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { Redis } from 'ioredis';

// Deletes or extends the lock only while it is still this holder's: after an expiry another
// instance may hold it, and its turn must not be cut short.
const RELEASE =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0";
const EXTEND =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0";

export interface WriterLockOptions {
  /** The lock frees itself this long after its holder stops renewing it (a crash, a lost link). */
  holdMs: number;
  /** A turn not had within this long fails the write, which is then retried like any failed write. */
  waitMs: number;
}

const DEFAULTS: WriterLockOptions = { holdMs: 30_000, waitMs: 120_000 };
// Turns are asked for again quickly at first (a commit takes tens of milliseconds), then less often.
const FIRST_RETRY_MS = 10;
const LONGEST_RETRY_MS = 250;
const READY_WAIT_MS = 2_000;
// ioredis' states on the way to `ready`; any other means the link is down.
const CONNECTING = new Set(['wait', 'connecting', 'connect']);

/**
 * One writer at a time across every instance sharing a Redis: a task runs while this process
 * holds `key`, renewed while it runs. LanceDB's commits are atomic, but what Docent does around
 * them (is this document stored yet? which generation of its passages is old?) is read first and
 * written after, and two instances doing that at once could both add one document.
 */
export class RedisWriterLock {
  private readonly options: WriterLockOptions;
  private warned = false;

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    /** Called once each time writes go on without Redis. */
    private readonly onUnavailable: () => void,
    options: Partial<WriterLockOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    const token = randomUUID();
    if (!(await this.acquire(token))) return this.alone(task);
    this.warned = false;
    const { holdMs } = this.options;
    const renewal = setInterval(() => {
      this.redis.eval(EXTEND, 1, this.key, token, holdMs).catch(() => {});
    }, holdMs / 3);
    renewal.unref();
    try {
      return await task();
    } finally {
      clearInterval(renewal);
      await this.redis.eval(RELEASE, 1, this.key, token).catch(() => {});
    }
  }

  /**
   * Without Redis, each instance writes as it would alone, as the rest of Docent carries on
   * without it: LanceDB still refuses a second commit of one version, and each outage is logged.
   */
  private alone<T>(task: () => Promise<T>): Promise<T> {
    if (!this.warned) this.onUnavailable();
    this.warned = true;
    return task();
  }

  /** Whether the turn is this holder's; false when Redis cannot be asked. */
  private async acquire(token: string): Promise<boolean> {
    const deadline = Date.now() + this.options.waitMs;
    let delay = FIRST_RETRY_MS;
    for (;;) {
      if (!(await this.connected())) return false;
      const granted = await this.redis.set(this.key, token, 'PX', this.options.holdMs, 'NX').then(
        (answer) => answer === 'OK',
        () => undefined,
      );
      if (granted === undefined) return false;
      if (granted) return true;
      if (Date.now() > deadline) {
        throw new Error(`another instance has been writing to LanceDB for over ${this.options.waitMs} ms`);
      }
      await new Promise((r) => setTimeout(r, delay * (0.5 + Math.random())));
      delay = Math.min(delay * 2, LONGEST_RETRY_MS);
    }
  }

  /** The client queues nothing while disconnected: a write just after start-up waits for the link. */
  private async connected(): Promise<boolean> {
    if (this.redis.status === 'ready') return true;
    if (!CONNECTING.has(this.redis.status)) return false;
    const ready = once(this.redis, 'ready').then(() => true);
    const later = new Promise<boolean>((r) => setTimeout(() => r(false), READY_WAIT_MS).unref());
    return Promise.race([ready, later]);
  }
}
