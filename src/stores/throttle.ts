/** Per-user admission: rate, one question in flight, a bounded queue. */
export interface Throttle {
  /** Runs `task` when the key's limits allow, or reports when to try again. */
  run<T>(
    key: string,
    task: () => Promise<T>,
  ): Promise<{ ok: true; value: T } | { ok: false; retryAfterMs: number }>;
}

/** No limits: the default until limits are configured. */
export class UnlimitedThrottle implements Throttle {
  async run<T>(_key: string, task: () => Promise<T>) {
    return { ok: true as const, value: await task() };
  }
}
