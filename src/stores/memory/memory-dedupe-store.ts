import { LRUCache } from 'lru-cache';
import type { DedupeStore } from '../../core/ports/dedupe-store.js';

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
