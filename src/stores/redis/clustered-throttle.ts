import Bottleneck from 'bottleneck';
import { Redis } from 'ioredis';
import type { Throttle } from '../../core/ports/throttle.js';
import type { Logger } from '../../logger.js';
import {
  BottleneckThrottle,
  IDLE_LIMITER_MS,
  minuteUsedUp,
  type ThrottleLimits,
  tenantLimiterOptions,
  userLimiterOptions,
} from '../local/bottleneck-throttle.js';
import { withTimeout } from '../with-timeout.js';
import { RedisLink } from './redis-link.js';
import { claimSharedSlot, type SlotBounds } from './shared-slot.js';

export interface ClusteredThrottleOptions {
  limits: ThrottleLimits;
  redisUrl: string;
  logger: Logger;
  /** The most Redis may add to a question before this instance decides alone. */
  redisTimeoutMs: number;
  /** Instances with the same prefix share limits; tests use their own. */
  keyPrefix?: string;
}

const MINUTE = 60_000;
// Refills the shared reservoir and wakes queued questions; Bottleneck's 5 s default would let a
// user wait up to 5 s past the minute.
const HEARTBEAT_MS = 1000;
// Longer than any answer (model timeouts and retries included); frees a turn whose release was
// lost while Redis was away, so nobody stays blocked behind it.
const HOLD_AT_MOST_MS = 3 * MINUTE;

/**
 * The per-user and per-tenant limits of BottleneckThrottle, shared by every instance through
 * Bottleneck's Redis clustering. While Redis is unreachable each instance applies the same limits
 * on its own (BottleneckThrottle), and it rejoins the shared limits when Redis returns.
 */
export class ClusteredThrottle implements Throttle {
  private readonly connection: Bottleneck.IORedisConnection;
  private readonly client: Redis;
  private readonly users: Bottleneck.Group;
  private readonly tenants: Bottleneck.Group;
  private readonly local: BottleneckThrottle;
  private readonly link: RedisLink;
  private readonly bounds: SlotBounds;
  private readonly redisTimeoutMs: number;

  constructor(options: ClusteredThrottleOptions) {
    const { limits, keyPrefix = 'docent:limits' } = options;
    this.redisTimeoutMs = options.redisTimeoutMs;
    this.bounds = { acceptWithinMs: options.redisTimeoutMs, holdAtMostMs: HOLD_AT_MOST_MS };
    this.local = new BottleneckThrottle(limits);
    this.client = new Redis(options.redisUrl, {
      // Fail at once while disconnected instead of queueing: the local limits take over then.
      enableOfflineQueue: false,
      connectTimeout: 1000,
      // A link that silently stops answering must not hold Bottleneck's locks for long.
      commandTimeout: 1000,
      retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
    });
    this.connection = new Bottleneck.IORedisConnection({ client: this.client });
    // Bottleneck reports Redis errors here too; the link below already tells the story once.
    this.connection.on('error', () => {});
    // Idle users' state leaves Redis (and this process) after IDLE_LIMITER_MS.
    const clustering = {
      connection: this.connection,
      heartbeatInterval: HEARTBEAT_MS,
      timeout: IDLE_LIMITER_MS,
    };
    // The limits are part of the ids: Redis keeps a limiter's first settings, so changed limits
    // start on fresh keys instead of inheriting the old ones.
    this.users = new Bottleneck.Group({
      ...userLimiterOptions(limits),
      ...clustering,
      id: `${keyPrefix}:user:${limits.perMinute}/${limits.queue}`,
    });
    this.tenants = new Bottleneck.Group({
      ...tenantLimiterOptions(limits),
      ...clustering,
      id: `${keyPrefix}:tenant:${limits.tenantConcurrency}`,
    });
    this.link = new RedisLink(
      [this.client, subscriberOf(this.connection)],
      readyOf(this.connection),
      options.logger,
      {
        down: 'Redis unavailable; rate limits apply per instance until it returns',
        back: 'Redis is back; rate limits are shared by every instance again',
      },
    );
  }

  /** Whether questions are currently limited together with the other instances. */
  get shared(): boolean {
    return this.link.up;
  }

  async run<T>(key: string, task: () => Promise<T>, admitted?: () => Promise<void>) {
    if (!this.link.up) return this.local.run(key, task, admitted);
    const limiter = this.users.key(key);
    // An unanswered check (Redis slow or gone) lets the claim below decide.
    if (await withTimeout(() => minuteUsedUp(limiter), this.redisTimeoutMs))
      return { ok: false as const, retryAfterMs: await this.untilRefill(key) };
    const user = await claimSharedSlot(limiter, this.link, this.bounds);
    if (user.kind === 'refused') return { ok: false as const, retryAfterMs: await this.untilRefill(key) };
    if (user.kind === 'unavailable') return this.local.run(key, task, admitted);
    try {
      await admitted?.();
      const tenant = await claimSharedSlot(this.tenants.key(tenantOf(key)), this.link, this.bounds);
      // The tenant ceiling queues rather than refuses, so anything but a turn means Redis left.
      if (tenant.kind !== 'granted') return this.local.run(key, task);
      try {
        return { ok: true as const, value: await task() };
      } finally {
        tenant.release();
      }
    } finally {
      user.release();
    }
  }

  async close(): Promise<void> {
    const flush = this.link.up;
    this.link.stop();
    await this.connection.disconnect(flush).catch(() => this.connection.disconnect(false));
  }

  /** Until the user's shared reservoir refills: Bottleneck keeps its last refill time in Redis. */
  private async untilRefill(key: string): Promise<number> {
    const settings = `b_${this.users.id}-${key}_settings`;
    const lastRefill = Number(
      await withTimeout(() => this.client.hget(settings, 'lastReservoirRefresh'), this.redisTimeoutMs),
    );
    if (!Number.isFinite(lastRefill) || lastRefill <= 0) return MINUTE;
    return MINUTE - (Math.max(0, Date.now() - lastRefill) % MINUTE);
  }
}

function tenantOf(key: string): string {
  return key.split(':')[0] ?? key;
}

// Bottleneck's typings leave out the connection's subscriber (a duplicate of our client) and its
// set-up promise; both are part of how IORedisConnection works, and the link needs them.
interface ConnectionInternals {
  subscriber: Redis;
  ready: Promise<unknown>;
}

function subscriberOf(connection: Bottleneck.IORedisConnection): Redis {
  return (connection as unknown as ConnectionInternals).subscriber;
}

function readyOf(connection: Bottleneck.IORedisConnection): Promise<unknown> {
  return (connection as unknown as ConnectionInternals).ready;
}
