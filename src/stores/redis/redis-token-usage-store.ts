import type { Redis } from 'ioredis';
import type { TokenUsageStore } from '../../core/ports/token-usage-store.js';
import { withTimeout } from '../with-timeout.js';

export interface RedisTokenUsageOptions {
  /** Upper bound on any one Redis call; past it the local count stands in. */
  timeoutMs: number;
  /** Namespace of the counters; tests give each run its own. */
  keyPrefix?: string;
  onError?: (error: unknown) => void;
}

// A day's counter outlives the day by one, so late additions to yesterday still expire on their own.
const COUNTER_TTL_SECONDS = 2 * 24 * 3600;

/**
 * One counter per tenant per UTC day in Redis, so every instance enforces the same budget. INCRBY
 * is atomic, so concurrent questions on several instances all count. Every addition also goes to
 * the local store: while Redis is away this instance still holds its tenants to what it spent itself.
 */
export class RedisTokenUsageStore implements TokenUsageStore {
  private readonly prefix: string;

  constructor(
    private readonly redis: Redis,
    private readonly local: TokenUsageStore,
    private readonly options: RedisTokenUsageOptions,
  ) {
    this.prefix = options.keyPrefix ?? 'docent:tokens';
  }

  async spent(tenantId: string, day: string): Promise<number> {
    const [shared, own] = await Promise.all([
      this.bounded(() => this.redis.get(this.key(tenantId, day))),
      this.local.spent(tenantId, day),
    ]);
    // This instance's own spending is a lower bound on the shared total, even after an outage.
    return Math.max(Number(shared ?? 0) || 0, own);
  }

  async add(tenantId: string, day: string, tokens: number): Promise<void> {
    const key = this.key(tenantId, day);
    await Promise.all([
      this.local.add(tenantId, day, tokens),
      this.bounded(() => this.redis.multi().incrby(key, tokens).expire(key, COUNTER_TTL_SECONDS).exec()),
    ]);
  }

  private key(tenantId: string, day: string): string {
    return `${this.prefix}:${day}:${tenantId}`;
  }

  private bounded<T>(call: () => Promise<T>): Promise<T | undefined> {
    return withTimeout(call, this.options.timeoutMs, this.options.onError);
  }
}
