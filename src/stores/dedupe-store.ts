import { LRUCache } from 'lru-cache';

/** Remembers which events were already taken on, so platform retries do no work twice. */
export interface DedupeStore {
  /** True for the first caller with this key within `ttlMs`; false for every later one. Atomic. */
  claim(key: string, ttlMs: number): Promise<boolean>;
  /** Gives a claim back, so a retry of an event whose handling failed is processed. */
  release(key: string): Promise<void>;
}

/** In-process twin: the most recent keys, each until it expires. */
export class MemoryDedupeStore implements DedupeStore {
  private readonly claimed: LRUCache<string, true>;

  constructor(maxKeys = 100_000) {
    this.claimed = new LRUCache({ max: maxKeys });
  }

  async claim(key: string, ttlMs: number): Promise<boolean> {
    if (this.claimed.has(key)) return false;
    this.claimed.set(key, true, { ttl: ttlMs });
    return true;
  }

  async release(key: string): Promise<void> {
    this.claimed.delete(key);
  }
}
