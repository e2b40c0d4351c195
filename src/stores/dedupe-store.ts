import { trimOldest } from './trim-oldest.js';

/** Remembers which events were already taken on, so platform retries do no work twice. */
export interface DedupeStore {
  /** True for the first caller with this key within `ttlMs`; false for every later one. Atomic. */
  claim(key: string, ttlMs: number): Promise<boolean>;
  /** Gives a claim back, so a retry of an event whose handling failed is processed. */
  release(key: string): Promise<void>;
}

/** In-process twin: a bounded map of keys to expiry times. */
export class MemoryDedupeStore implements DedupeStore {
  private readonly expiries = new Map<string, number>();

  constructor(private readonly maxKeys = 100_000) {}

  async claim(key: string, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    const expiry = this.expiries.get(key);
    if (expiry !== undefined && expiry > now) return false;
    this.expiries.delete(key);
    this.expiries.set(key, now + ttlMs);
    trimOldest(this.expiries, this.maxKeys);
    return true;
  }

  async release(key: string): Promise<void> {
    this.expiries.delete(key);
  }
}
