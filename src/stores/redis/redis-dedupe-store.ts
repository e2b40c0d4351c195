import type { Redis } from 'ioredis';
import type { DedupeStore } from '../../core/ports/dedupe-store.js';

/** SET NX PX: one atomic claim shared by every instance. */
export class RedisDedupeStore implements DedupeStore {
  constructor(
    private readonly redis: Redis,
    private readonly fallback: DedupeStore,
  ) {}

  async claim(key: string, ttlMs: number): Promise<boolean> {
    try {
      return (await this.redis.set(`docent:dedupe:${key}`, '1', 'PX', ttlMs, 'NX')) === 'OK';
    } catch {
      // Redis down: this instance still refuses its own duplicates.
      return this.fallback.claim(key, ttlMs);
    }
  }

  async release(key: string): Promise<void> {
    await this.redis.del(`docent:dedupe:${key}`).catch(() => this.fallback.release(key));
  }
}
