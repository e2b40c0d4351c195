/** Remembers which events were already taken on, so platform retries do no work twice. */
export interface DedupeStore {
  /** True for the first caller with this key within `ttlMs`; false for every later one. Atomic. */
  claim(key: string, ttlMs: number): Promise<boolean>;
  /** Gives a claim back, so a retry of an event whose handling failed is processed. */
  release(key: string): Promise<void>;
}
