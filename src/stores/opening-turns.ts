import type { OpeningTurn } from './answer-cache.js';
import { BoundedMap } from './trim-oldest.js';

/** Where the opening turns of threads answered from the cache wait for each thread's next question. */
export interface OpeningTurns {
  remember(threadId: string, turn: OpeningTurn): Promise<void>;
  /** The turn, once: reading it removes it. */
  take(threadId: string): Promise<OpeningTurn | undefined>;
  clear(): Promise<void>;
}

const DONE = Promise.resolve();

/**
 * This instance's opening turns, the newest `maxEntries` of them, each for `ttlMs`. Every API
 * question without a session leaves one behind, so they are kept in a plain map: through keyv,
 * storing one cost twice what the map does, on every such cached answer.
 */
export class MemoryOpeningTurns implements OpeningTurns {
  private readonly turns: BoundedMap<string, { turn: OpeningTurn; expiresAtMs: number }>;

  constructor(
    maxEntries: number,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.turns = new BoundedMap(maxEntries);
  }

  remember(threadId: string, turn: OpeningTurn): Promise<void> {
    this.turns.set(threadId, { turn, expiresAtMs: this.now() + this.ttlMs });
    return DONE;
  }

  async take(threadId: string): Promise<OpeningTurn | undefined> {
    const kept = this.turns.get(threadId);
    if (!kept) return undefined;
    this.turns.delete(threadId);
    return kept.expiresAtMs > this.now() ? kept.turn : undefined;
  }

  async clear(): Promise<void> {
    this.turns.clear();
  }
}
