/** Per-user admission: rate, one question in flight, a bounded queue. */
export interface Throttle {
  /**
   * Runs `task` when the key's limits allow, or reports when to try again. `admitted` runs once
   * the person's own limits let the question through, before it waits for the tenant's ceiling:
   * a busy workspace delays the answer, not the sign that it is coming.
   */
  run<T>(
    key: string,
    task: () => Promise<T>,
    admitted?: () => Promise<void>,
  ): Promise<{ ok: true; value: T } | { ok: false; retryAfterMs: number }>;
}
