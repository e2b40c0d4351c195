import { randomUUID } from 'node:crypto';
import Keyv from 'keyv';
import type { Scope } from '../core/types.js';
import { withTimeout } from '../core/with-timeout.js';
import type { AnswerCache, CachedAnswer, OpeningTurn } from './answer-cache.js';
import { INITIAL_VERSION, type KnowledgeVersions } from './knowledge-versions.js';
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

/**
 * The answer cache on keyv: in memory by default, Redis (or any keyv store) when configured. On
 * Redis, opening turns sit next to the answers and knowledge versions in a namespace of their own,
 * for every instance to see. In memory both have stores of their own (plain bounded maps): every
 * cached answer reads a version, and an API answer leaves a turn, and keyv's own work was most of
 * the cost of each; a stream of one-off conversations must not push out the answers or the
 * versions either.
 */
export class KeyvAnswerCache implements AnswerCache {
  private readonly versions: KnowledgeVersions;
  private readonly versionsKeyv: Keyv | undefined;
  private readonly turns: OpeningTurns;

  /**
   * `separate.versions`: a store of their own, or a keyv of their own (another namespace on the
   * same Redis). Versions must not be in the answers' keyv, which a flush clears.
   */
  constructor(
    private readonly keyv: Keyv,
    private readonly options: KeyvAnswerCacheOptions,
    separate: { versions: KnowledgeVersions | Keyv; turns?: OpeningTurns },
  ) {
    const { versions } = separate;
    if (versions instanceof Keyv) {
      this.versionsKeyv = versions;
      this.versions = this.versionsInKeyv(versions);
    } else {
      this.versionsKeyv = undefined;
      this.versions = versions;
    }
    this.turns = separate.turns ?? this.turnsInKeyv();
  }

  get(key: string): Promise<CachedAnswer | undefined> {
    return this.bounded(() => this.keyv.get<CachedAnswer>(`answer:${key}`));
  }

  async set(key: string, value: CachedAnswer): Promise<void> {
    await this.bounded(() => this.keyv.set(`answer:${key}`, value, this.options.ttlMs));
  }

  knowledgeVersions(tenantId: string, scopes: readonly Scope[]): Promise<string[]> {
    return this.versions.read(tenantId, scopes);
  }

  bumpKnowledgeVersion(tenantId: string, scope: Scope): Promise<void> {
    return this.versions.bump(tenantId, scope);
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

  /** Knowledge versions in a keyv (on Redis, every instance sees a bump). */
  private versionsInKeyv(keyv: Keyv): KnowledgeVersions {
    const { options } = this;
    return {
      read: async (tenantId, scopes) => {
        const keys = scopes.map((scope) => versionKey(tenantId, scope));
        let found: (string | undefined)[] | undefined;
        if (options.batchReads && keys.length > 1) {
          found = await this.bounded(() => keyv.getMany<string>(keys));
        } else {
          found = [];
          for (const key of keys) found.push(await this.bounded(() => keyv.get<string>(key)));
        }
        return scopes.map((_, i) => found?.[i] ?? INITIAL_VERSION);
      },
      // A fresh random token needs no read-modify-write, so concurrent bumps from several instances are safe.
      bump: async (tenantId, scope) => {
        await this.bounded(() => keyv.set(versionKey(tenantId, scope), randomUUID()));
      },
    };
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
    const versions = this.versionsKeyv;
    await Promise.all([
      this.bounded(() => this.keyv.disconnect()),
      versions ? this.bounded(() => versions.disconnect()) : undefined,
    ]);
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
