import type { OpeningTurn } from './answer-cache.js';

/** Where the opening turns of threads answered from the cache wait for each thread's next question. */
export interface OpeningTurns {
  remember(threadId: string, turn: OpeningTurn): Promise<void>;
  /** The turn, once: reading it removes it. */
  take(threadId: string): Promise<OpeningTurn | undefined>;
  clear(): Promise<void>;
}

const DONE = Promise.resolve();

interface Kept {
  turn: OpeningTurn;
  expiresAtMs: number;
}

/**
 * This instance's opening turns, each for `ttlMs`: the newest half of `maxEntries` at least, and
 * never more than `maxEntries`. Every API question without a session leaves one behind, so they
 * are kept in plain maps (through keyv, storing one cost twice as much), in two generations: new
 * turns go into the current map, and when it holds half the bound it becomes the previous one and
 * the one before is dropped whole. (Trimming a single map in place made it rebuild its whole table
 * every few hundred turns.)
 */
export class MemoryOpeningTurns implements OpeningTurns {
  private current = new Map<string, Kept>();
  private previous = new Map<string, Kept>();
  private readonly perGeneration: number;

  constructor(
    maxEntries: number,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.perGeneration = Math.max(1, Math.floor(maxEntries / 2));
  }

  remember(threadId: string, turn: OpeningTurn): Promise<void> {
    if (this.current.size >= this.perGeneration) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(threadId, { turn, expiresAtMs: this.now() + this.ttlMs });
    return DONE;
  }

  async take(threadId: string): Promise<OpeningTurn | undefined> {
    const kept = this.current.get(threadId) ?? this.previous.get(threadId);
    if (!kept) return undefined;
    this.current.delete(threadId);
    this.previous.delete(threadId);
    return kept.expiresAtMs > this.now() ? kept.turn : undefined;
  }

  async clear(): Promise<void> {
    this.current = new Map();
    this.previous = new Map();
  }
}
