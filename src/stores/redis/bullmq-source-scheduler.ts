import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { ScheduledSync, SourceScheduler } from '../../core/ports/source-scheduler.js';
import type { Source } from '../../core/ports/source-store.js';

export interface BullSourceSchedulerOptions {
  redisUrl: string;
  /** Key prefix in Redis: instances sharing one prefix share the schedules. */
  prefix: string;
  /** The first retry's wait after a sync that did not complete; doubled for each further attempt. */
  retryMs: number;
  attempts: number;
  /** How often the schedules are matched to the stored sources (ones a command added or removed). */
  checkMs: number;
  onError: (error: Error) => void;
}

const QUEUE = 'source-sync';
const KEEP = { count: 100 };

/**
 * Schedules on Redis with BullMQ job schedulers, one per source, keyed by its id: every instance
 * declares the same schedulers, Redis makes one job per period, and whichever instance's worker
 * takes it runs the sync. A sync that does not complete is retried with exponential backoff.
 */
export class BullSourceScheduler implements SourceScheduler {
  private readonly connections: Redis[] = [];
  private readonly queue: Queue;
  private worker?: Worker;
  private timer?: NodeJS.Timeout;
  private reconciling = false;

  constructor(private readonly options: BullSourceSchedulerOptions) {
    this.queue = new Queue(QUEUE, { connection: this.connect(), prefix: options.prefix });
    this.queue.on('error', options.onError);
  }

  async start(sync: ScheduledSync): Promise<void> {
    this.worker = new Worker<{ sourceId: string }>(QUEUE, (job) => sync.run(job.data.sourceId), {
      connection: this.connect(),
      prefix: this.options.prefix,
      concurrency: 1,
    });
    this.worker.on('error', this.options.onError);
    // Not awaited: BullMQ waits for Redis, and a service starting while Redis is away must not.
    const reconcile = () => {
      if (this.reconciling) return;
      this.reconciling = true;
      this.reconcile(sync)
        .catch((error: Error) => this.options.onError(error))
        .finally(() => {
          this.reconciling = false;
        });
    };
    reconcile();
    this.timer = setInterval(reconcile, this.options.checkMs);
    this.timer.unref();
  }

  /**
   * Declares a scheduler for each source that has none (or another period), and drops those of
   * sources that are gone: `docent source add` and `rm` write the database only.
   */
  private async reconcile(sync: ScheduledSync): Promise<void> {
    const sources = await sync.list();
    const declared = new Map(
      (await this.queue.getJobSchedulers()).map((scheduler) => [scheduler.key, Number(scheduler.every)]),
    );
    for (const source of sources) if (declared.get(source.id) !== source.everyMs) await this.schedule(source);
    const known = new Set(sources.map((s) => s.id));
    for (const key of declared.keys()) if (!known.has(key)) await this.queue.removeJobScheduler(key);
  }

  async schedule(source: Source): Promise<void> {
    await this.queue.upsertJobScheduler(
      source.id,
      { every: source.everyMs },
      {
        name: 'sync',
        data: { sourceId: source.id },
        opts: {
          attempts: this.options.attempts,
          backoff: { type: 'exponential', delay: this.options.retryMs },
          removeOnComplete: KEEP,
          removeOnFail: KEEP,
        },
      },
    );
  }

  async unschedule(sourceId: string): Promise<void> {
    await this.queue.removeJobScheduler(sourceId);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.worker?.close();
    await this.queue.close();
    for (const connection of this.connections) await connection.quit().catch(() => connection.disconnect());
  }

  private connect(): Redis {
    // BullMQ's blocking reads need a connection that retries for as long as it takes.
    const connection = new Redis(this.options.redisUrl, { maxRetriesPerRequest: null });
    connection.on('error', this.options.onError);
    this.connections.push(connection);
    return connection;
  }
}
