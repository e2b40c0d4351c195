import type Keyv from 'keyv';
import type { AnswerCache, CachedAnswer } from '../../core/ports/answer-cache.js';
import { withTimeout } from '../with-timeout.js';

export interface KeyvCallOptions {
  /**
   * Upper bound on any one call to a remote store; past it the call counts as a miss. Left out
   * for an in-process store, which cannot hang.
   */
  timeoutMs?: number;
  onError?: (error: unknown) => void;
}

/** Runs calls to a keyv store so that a slow or failing one answers undefined instead of throwing. */
export function boundedCalls(options: KeyvCallOptions) {
  return <T>(call: () => Promise<T>): Promise<T | undefined> => {
    if (options.timeoutMs !== undefined) return withTimeout(call, options.timeoutMs, options.onError);
    return call().catch((error: unknown) => {
      options.onError?.(error);
      return undefined;
    });
  };
}

/** The answer cache on keyv: in memory by default, Redis (or any keyv store) when configured. */
export class KeyvAnswerCache implements AnswerCache {
  private readonly bounded: ReturnType<typeof boundedCalls>;

  constructor(
    private readonly keyv: Keyv,
    private readonly options: KeyvCallOptions & { ttlMs: number },
  ) {
    this.bounded = boundedCalls(options);
  }

  get(key: string): Promise<CachedAnswer | undefined> {
    return this.bounded(() => this.keyv.get<CachedAnswer>(`answer:${key}`));
  }

  async set(key: string, value: CachedAnswer): Promise<void> {
    await this.bounded(() => this.keyv.set(`answer:${key}`, value, this.options.ttlMs));
  }

  async flush(): Promise<void> {
    await this.bounded(() => this.keyv.clear());
  }

  async close(): Promise<void> {
    await this.bounded(() => this.keyv.disconnect());
  }
}
