export interface BatchedWritesOptions<T> {
  /** Names the records in the message logged when some are dropped. */
  what: string;
  /** The most records one statement writes. */
  maxBatch: number;
  /** While the database is away, records wait in memory up to this many; older ones are dropped. */
  maxPending: number;
  /** Records gather this long before a write starts; none: a write starts at once. */
  delayMs?: number;
  write: (batch: T[]) => Promise<void>;
  onError: (error: unknown) => void;
}

/**
 * Records written after the answer they describe, so they never slow it: one statement per batch,
 * the records that came in meanwhile in the next, and a bounded backlog while the database is away.
 */
export class BatchedWrites<T> {
  private pending: T[] = [];
  private writing?: Promise<void>;
  private timer?: NodeJS.Timeout;

  constructor(private readonly options: BatchedWritesOptions<T>) {}

  add(record: T): void {
    const { maxPending, delayMs } = this.options;
    if (this.pending.length >= maxPending) {
      this.pending.shift();
      this.options.onError(
        new Error(`${this.options.what} writes are behind: dropped the oldest of ${maxPending} waiting`),
      );
    }
    this.pending.push(record);
    if (this.writing || this.timer) return;
    if (delayMs) {
      this.timer = setTimeout(() => this.start(), delayMs);
      this.timer.unref();
    } else {
      this.start();
    }
  }

  /** Resolves once every record added so far is stored (or its write failed and was logged). */
  async flushed(): Promise<void> {
    if (this.timer) this.start();
    while (this.writing) await this.writing;
  }

  private start(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.writing ??= this.writeAll();
  }

  private async writeAll(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, this.options.maxBatch);
        await this.options.write(batch).catch(this.options.onError);
      }
    } finally {
      this.writing = undefined;
    }
  }
}
