import type { ScheduledSync, SourceScheduler } from '../../core/ports/source-scheduler.js';

export interface IntervalSchedulerOptions {
  /** How often due sources are looked for. */
  checkMs: number;
  now?: () => number;
  onError: (sourceId: string, error: unknown) => void;
}

/**
 * Syncs in this process, one source at a time: every tick, each source whose recorded next sync
 * (or which never synced) is due. The time is read from the stored state, so a restart neither
 * forgets a source nor syncs it again early.
 */
export class IntervalSourceScheduler implements SourceScheduler {
  private timer?: NodeJS.Timeout;
  private sync?: ScheduledSync;
  private ticking?: Promise<void>;
  private closed = false;

  constructor(private readonly options: IntervalSchedulerOptions) {}

  async start(sync: ScheduledSync): Promise<void> {
    this.sync = sync;
    this.timer = setInterval(() => void this.tick(), this.options.checkMs);
    this.timer.unref();
    void this.tick();
  }

  /** A new source is synced at the next tick; one that just changed, when it is due. */
  async schedule(): Promise<void> {}

  async unschedule(): Promise<void> {}

  /** Looks for due sources now, unless a look is already under way; resolves when it is over. */
  tick(): Promise<void> {
    if (!this.ticking && this.sync && !this.closed) {
      this.ticking = this.runDue(this.sync).finally(() => {
        this.ticking = undefined;
      });
    }
    return this.ticking ?? Promise.resolve();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.ticking;
  }

  private async runDue(sync: ScheduledSync): Promise<void> {
    let sources: Awaited<ReturnType<ScheduledSync['list']>>;
    try {
      sources = await sync.list();
    } catch (error) {
      this.options.onError('*', error);
      return;
    }
    for (const source of sources) {
      if (this.closed) return;
      const next = source.state.nextSyncAt ? Date.parse(source.state.nextSyncAt) : 0;
      if (next > this.now()) continue;
      await sync.run(source.id).catch((error) => this.options.onError(source.id, error));
    }
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }
}
