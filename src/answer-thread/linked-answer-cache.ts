import type { Scope } from '../core/types.js';
import type { AnswerCache, CachedAnswer, OpeningTurn } from '../stores/answer-cache.js';
import type { RpcLink } from '../threads/rpc.js';

/** What the answer thread may ask of the main thread's cache. */
export const CACHE_OPERATIONS = [
  'get',
  'set',
  'knowledgeVersions',
  'bumpKnowledgeVersion',
  'rememberOpeningTurn',
  'takeOpeningTurn',
] as const;
export type CacheOperation = (typeof CACHE_OPERATIONS)[number];

/**
 * The answer thread's view of the service's one answer cache, which lives on the main thread: the
 * main thread serves cached answers without a hop, and what the graph caches is found there.
 */
export class LinkedAnswerCache implements AnswerCache {
  constructor(private readonly link: RpcLink) {}

  private ask<T>(operation: CacheOperation, ...args: unknown[]): Promise<T> {
    return this.link.call<T>('cache', operation, ...args);
  }

  get(key: string) {
    return this.ask<CachedAnswer | undefined>('get', key);
  }
  set(key: string, value: CachedAnswer) {
    return this.ask<void>('set', key, value);
  }
  knowledgeVersions(tenantId: string, scopes: readonly Scope[]) {
    return this.ask<string[]>('knowledgeVersions', tenantId, scopes);
  }
  bumpKnowledgeVersion(tenantId: string, scope: Scope) {
    return this.ask<void>('bumpKnowledgeVersion', tenantId, scope);
  }
  rememberOpeningTurn(threadId: string, turn: OpeningTurn) {
    return this.ask<void>('rememberOpeningTurn', threadId, turn);
  }
  takeOpeningTurn(threadId: string) {
    return this.ask<OpeningTurn | undefined>('takeOpeningTurn', threadId);
  }
  /** Flushing and closing belong to the main thread, which owns the cache. */
  async flush() {}
  async close() {}
}

/** The main thread's side: runs the answer thread's cache calls on the real cache. */
export function serveCache(cache: AnswerCache) {
  return (operation: CacheOperation, ...args: unknown[]): Promise<unknown> => {
    if (!CACHE_OPERATIONS.includes(operation)) throw new Error(`not a cache operation: ${operation}`);
    return (cache[operation] as (...a: unknown[]) => Promise<unknown>).apply(cache, args);
  };
}
