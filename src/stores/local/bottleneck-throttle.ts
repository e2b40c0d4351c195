import Bottleneck from 'bottleneck';
import type { Throttle } from '../../core/ports/throttle.js';

export interface ThrottleLimits {
  /** Questions a user may ask per minute; also the burst allowed at once. */
  perMinute: number;
  /** Questions a user may have waiting behind the one in flight; more are refused. */
  queue: number;
  /** Questions answered at once for one tenant, so one workspace cannot starve the others. */
  tenantConcurrency: number;
}

const MINUTE = 60_000;
/**
 * A limiter no question has started on for this long is dropped (Bottleneck.Group's `timeout`),
 * so memory follows the people active lately, not everyone ever seen. Longer than any answer
 * (model timeouts and retries included): a limiter is never dropped under a question in flight.
 */
export const IDLE_LIMITER_MS = 5 * MINUTE;

/** One user's limiter; the clustered throttle shares the same settings through Redis. */
export function userLimiterOptions(limits: ThrottleLimits): Bottleneck.ConstructorOptions {
  return {
    maxConcurrent: 1,
    reservoir: limits.perMinute,
    reservoirRefreshAmount: limits.perMinute,
    reservoirRefreshInterval: MINUTE,
    // Each user's limiter wakes on this beat to refill; Bottleneck's 250 ms default costs thousands of
    // wake-ups a second with many people active, and a second is precision enough for a minute.
    heartbeatInterval: 1000,
    // The one in flight plus the queue; past that, new questions are refused at once.
    highWater: limits.queue,
    strategy: Bottleneck.strategy.OVERFLOW,
  };
}

/**
 * Whether a user's questions for this minute are all asked or already waiting: the next one is
 * refused at once with when to retry, rather than queued for up to a minute in silence.
 */
export async function minuteUsedUp(limiter: Bottleneck): Promise<boolean> {
  const left = await limiter.currentReservoir();
  const { RECEIVED, QUEUED } = limiter.counts();
  return left !== null && left - RECEIVED - QUEUED <= 0;
}

/** One tenant's limiter: a ceiling on questions answered at once, queueing the rest. */
export function tenantLimiterOptions(limits: ThrottleLimits): Bottleneck.ConstructorOptions {
  return { maxConcurrent: limits.tenantConcurrency };
}

/**
 * Per-user limits with Bottleneck: one question in flight per user, a refilling per-minute
 * reservoir, a bounded queue; and a per-tenant concurrency ceiling behind it. Keys are
 * "tenant:platform:user", the user being who the platform or the API token authenticated.
 */
export class BottleneckThrottle implements Throttle {
  private readonly users: Bottleneck.Group;
  private readonly tenants: Bottleneck.Group;
  // Each user's reservoir refills a minute after their limiter was created, then every minute.
  // Kept with the limiter itself, so it goes when the group drops the limiter.
  private readonly createdAt = new WeakMap<Bottleneck, number>();

  /** `idleMs`: when an idle limiter is dropped; tests shorten it. */
  constructor(limits: ThrottleLimits, idleMs: number = IDLE_LIMITER_MS) {
    this.users = new Bottleneck.Group({ ...userLimiterOptions(limits), timeout: idleMs });
    this.tenants = new Bottleneck.Group({ ...tenantLimiterOptions(limits), timeout: idleMs });
    this.users.on('created', (limiter) => this.createdAt.set(limiter, Date.now()));
  }

  /** Limiters held now, users' and tenants'. */
  get limiterCount(): number {
    return this.users.keys().length + this.tenants.keys().length;
  }

  async run<T>(key: string, task: () => Promise<T>, admitted?: () => Promise<void>) {
    const tenant = key.split(':')[0] ?? key;
    const user = this.users.key(key);
    if (await minuteUsedUp(user)) return { ok: false as const, retryAfterMs: this.untilRefill(user) };
    try {
      const value = await user.schedule(async () => {
        await admitted?.();
        return this.tenants.key(tenant).schedule(task);
      });
      return { ok: true as const, value };
    } catch (error) {
      // OVERFLOW drops a job that finds the queue full: that user hears when to try again.
      if (error instanceof Bottleneck.BottleneckError)
        return { ok: false as const, retryAfterMs: this.untilRefill(user) };
      throw error;
    }
  }

  private untilRefill(user: Bottleneck): number {
    const since = Date.now() - (this.createdAt.get(user) ?? Date.now());
    return MINUTE - (since % MINUTE);
  }
}
