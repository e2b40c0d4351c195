import { randomUUID } from 'node:crypto';
import type Keyv from 'keyv';
import type { Scope } from '../core/types.js';
import { withTimeout } from '../core/with-timeout.js';
import type { AnswerCache, CachedAnswer, OpeningTurn } from './answer-cache.js';
import type { OpeningTurns } from './opening-turns.js';

export interface KeyvAnswerCacheOptions {
  ttlMs: number;
  /** How long a thread's opening turn waits for the thread's next question. */
  turnTtlMs: number;
  /**
   * Upper bound on any one call to a remote store; past it the call counts as a miss. Left out
   * for an in-process store, which cannot hang: a timer per call would cost more than the call.
   */
  timeoutMs?: number;
  /**
   * Read several versions in one call: a single MGET on Redis. An in-process store reads them one
   * by one instead, as keyv's getMany costs it several times what plain gets do.
   */
  batchReads?: boolean;
  onError?: (error: unknown) => void;
}

const INITIAL_VERSION = '0';

/**
 * The answer cache on keyv: in memory by default, Redis (or any keyv store) when configured.
 * Knowledge versions and opening turns may live in stores of their own: in a bounded memory
 * store, a stream of one-off conversations must not push out the answers or the versions.
 */
export class KeyvAnswerCache implements AnswerCache {
  private readonly versions: Keyv;
  private readonly turns: OpeningTurns;

  constructor(
    private readonly keyv: Keyv,
    private readonly options: KeyvAnswerCacheOptions,
    separate: { versions?: Keyv; turns?: OpeningTurns } = {},
  ) {
    this.versions = separate.versions ?? keyv;
    this.turns = separate.turns ?? this.turnsInKeyv();
  }

  get(key: string): Promise<CachedAnswer | undefined> {
    return this.bounded(() => this.keyv.get<CachedAnswer>(`answer:${key}`));
  }

  async set(key: string, value: CachedAnswer): Promise<void> {
    await this.bounded(() => this.keyv.set(`answer:${key}`, value, this.options.ttlMs));
  }

  async knowledgeVersions(tenantId: string, scopes: readonly Scope[]): Promise<string[]> {
    const keys = scopes.map((scope) => versionKey(tenantId, scope));
    let found: (string | undefined)[] | undefined;
    if (this.options.batchReads && keys.length > 1) {
      found = await this.bounded(() => this.versions.getMany<string>(keys));
    } else {
      found = [];
      for (const key of keys) found.push(await this.bounded(() => this.versions.get<string>(key)));
    }
    return scopes.map((_, i) => found?.[i] ?? INITIAL_VERSION);
  }

  async bumpKnowledgeVersion(tenantId: string, scope: Scope): Promise<void> {
    // A fresh random token needs no read-modify-write, so concurrent bumps from several instances are safe.
    await this.bounded(() => this.versions.set(versionKey(tenantId, scope), randomUUID()));
  }

  rememberOpeningTurn(threadId: string, turn: OpeningTurn): Promise<void> {
    return this.turns.remember(threadId, turn);
  }

  takeOpeningTurn(threadId: string): Promise<OpeningTurn | undefined> {
    return this.turns.take(threadId);
  }

  async flush(): Promise<void> {
    // Versions survive a flush: they are what keeps older answers from coming back.
    await Promise.all([this.bounded(() => this.keyv.clear()), this.turns.clear()]);
  }

  /** Opening turns next to the answers, in the same keyv (shared Redis: any instance takes them). */
  private turnsInKeyv(): OpeningTurns {
    const { keyv, options } = this;
    return {
      remember: async (threadId, turn) => {
        await this.bounded(() => keyv.set(`turn:${threadId}`, turn, options.turnTtlMs));
      },
      take: async (threadId) => {
        const turn = await this.bounded(() => keyv.get<OpeningTurn>(`turn:${threadId}`));
        if (turn) await this.bounded(() => keyv.delete(`turn:${threadId}`));
        return turn;
      },
      // Cleared with the answers.
      clear: async () => {},
    };
  }

  async close(): Promise<void> {
    await this.bounded(() => this.keyv.disconnect());
  }

  private bounded<T>(call: () => Promise<T>): Promise<T | undefined> {
    if (this.options.timeoutMs !== undefined)
      return withTimeout(call, this.options.timeoutMs, this.options.onError);
    // In process: no timer, and no promise of its own around the store's (a hit makes several calls).
    return call().catch((error: unknown) => {
      this.options.onError?.(error);
      return undefined;
    });
  }
}

const versionKey = (tenantId: string, scope: Scope) => `version:${tenantId}:${scope}`;
