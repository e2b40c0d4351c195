/**
 * Politeness towards one site: at most `concurrency` requests in flight, and starts at least
 * `intervalMs` apart. Waiters are served in the order they came.
 */
export class HostPacer {
  private active = 0;
  private nextStartAt = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly concurrency: number,
    private intervalMs: number,
  ) {}

  /** A site's robots.txt may ask for more time between requests than configured. */
  slowTo(intervalMs: number): void {
    this.intervalMs = Math.max(this.intervalMs, intervalMs);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      const wait = this.nextStartAt - Date.now();
      this.nextStartAt = Math.max(Date.now(), this.nextStartAt) + this.intervalMs;
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

/** Runs `work` on every item of a list that may grow while it runs, `width` at a time. */
export async function eachConcurrently<T>(
  queue: T[],
  width: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let failure: unknown;
  const worker = async () => {
    for (let item = queue.shift(); item !== undefined && failure === undefined; item = queue.shift()) {
      try {
        await work(item);
      } catch (error) {
        failure ??= error;
      }
    }
  };
  // Items queued by a worker's last task are taken up by a new round.
  while (queue.length > 0 && failure === undefined)
    await Promise.all(Array.from({ length: Math.min(width, queue.length) }, worker));
  if (failure !== undefined) throw failure;
}
