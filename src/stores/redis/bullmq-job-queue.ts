import { setTimeout as sleep } from 'node:timers/promises';
import { Job, Queue, QueueEvents, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { describeError } from '../../core/errors.js';
import { interruptedReason, isPermanent } from '../../core/ingest-jobs.js';
import type { FileOutcome } from '../../core/message.js';
import type {
  AbandonedJobHandler,
  FailedJob,
  IngestJob,
  JobQueue,
  JobResult,
  JobRunInfo,
} from '../../core/ports/job-queue.js';
import type { RetryPolicy } from '../local/journal-job-queue.js';

export interface BullQueueOptions extends RetryPolicy {
  redisUrl: string;
  /** Key prefix in Redis: instances sharing one prefix share one queue. */
  prefix: string;
  /** How long a job stays claimed by a worker that stopped answering before another takes it over. */
  lockMs: number;
  /** Told about Redis connection trouble, at most once a minute. */
  onConnectionError?: (error: Error) => void;
}

const QUEUE = 'ingest';
const KEEP = { count: 1000 };
// BullMQ waits for its connection before any command: a dead Redis would hold the share forever.
const ADD_TIMEOUT_MS = 2000;
// How often a waiter looks at its job besides listening for its events (doubling up to the most).
const LOOK_FIRST_MS = 500;
const LOOK_AT_MOST_MS = 5000;

/**
 * The shared job queue: BullMQ on the service's Redis. Every instance adds and works jobs; a
 * job whose worker died is taken over by another once its lock runs out; failures are retried
 * with exponential backoff, and jobs that fail for good are kept with their reason. An attempt a
 * worker died in counts like one that failed, as in the journal.
 */
export class BullJobQueue implements JobQueue {
  private readonly connections: Redis[] = [];
  private readonly queue: Queue<IngestJob, FileOutcome>;
  private readonly events: QueueEvents;
  private worker?: Worker<IngestJob, FileOutcome>;
  private lastErrorAt = 0;

  constructor(private readonly options: BullQueueOptions) {
    this.queue = new Queue(QUEUE, { connection: this.connect(false), prefix: options.prefix });
    this.events = new QueueEvents(QUEUE, { connection: this.connect(), prefix: options.prefix });
    this.queue.on('error', this.reportError);
    this.events.on('error', this.reportError);
  }

  async add(job: IngestJob): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const unreachable = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('Redis did not take the job in time')), ADD_TIMEOUT_MS);
    });
    try {
      return await Promise.race([this.record(job), unreachable]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async record(job: IngestJob): Promise<boolean> {
    if (await this.queue.getJob(job.id)) return false;
    await this.queue.add('ingest', job, {
      // The job id comes from the event, so a redelivered event does not make a second job.
      jobId: job.id,
      attempts: this.options.attempts,
      backoff: { type: 'exponential', delay: this.options.backoffMs },
      removeOnComplete: KEEP,
      removeOnFail: KEEP,
    });
    return true;
  }

  async waitFor(id: string): Promise<JobResult> {
    // Events are read from the moment the reader is connected: a job that finishes before then
    // would never be heard of, and its waiter would wait forever.
    await this.events.waitUntilReady();
    const job = await Job.fromId<IngestJob, FileOutcome>(this.queue, id);
    if (!job) return { ok: false, reason: 'no such ingestion job' };
    const waiting = { over: false };
    try {
      const outcome = await Promise.race([
        job.waitUntilFinished(this.events),
        this.lookUntilFinished(id, waiting),
      ]);
      return { ok: true, outcome };
    } catch (error) {
      return { ok: false, reason: (error as Error).message };
    } finally {
      waiting.over = true;
    }
  }

  /**
   * The job's outcome, found by looking at it every few seconds. The events reader only hears what
   * happens once its first read has reached Redis: a job that ends just before (a fresh reader and
   * a file that fails at once) would otherwise leave its waiter waiting for good.
   */
  private async lookUntilFinished(id: string, waiting: { over: boolean }): Promise<FileOutcome> {
    for (let pauseMs = LOOK_FIRST_MS; ; pauseMs = Math.min(pauseMs * 2, LOOK_AT_MOST_MS)) {
      await sleep(pauseMs, undefined, { ref: false });
      // Once the waiter has its answer, this never settles: the race is over.
      if (waiting.over) return new Promise<never>(() => {});
      // While Redis is away the waiter keeps waiting, as it does for the events.
      const job = await Job.fromId<IngestJob, FileOutcome>(this.queue, id).catch(() => undefined);
      const state = await job?.getState().catch(() => undefined);
      if (state === 'completed' && job) return job.returnvalue;
      if (state === 'failed') throw new Error(job?.failedReason);
    }
  }

  /** Starts the worker without waiting for Redis: it joins in whenever Redis is reachable. */
  async process(
    run: (job: IngestJob, info: JobRunInfo) => Promise<FileOutcome>,
    onAbandoned?: AbandonedJobHandler,
  ): Promise<void> {
    this.worker = new Worker<IngestJob, FileOutcome>(
      QUEUE,
      async (job) => {
        const attempts = job.opts.attempts ?? 1;
        // attemptsStarted counts every time a worker took the job, this one and those it died in
        // (BullMQ's own retries count only attempts that ended in an error).
        if (job.attemptsStarted > attempts) {
          const reason = interruptedReason(job.data, attempts);
          await onAbandoned?.(job.data, reason);
          throw new UnrecoverableError(reason);
        }
        const info = { recovered: job.stalledCounter > 0, lastAttempt: job.attemptsStarted >= attempts };
        try {
          return await run(job.data, info);
        } catch (error) {
          // The reason is what a person reads; a file that cannot be read is not retried.
          if (isPermanent(error)) throw new UnrecoverableError(describeError(error));
          throw new Error(describeError(error));
        }
      },
      {
        connection: this.connect(),
        prefix: this.options.prefix,
        concurrency: this.options.concurrency,
        lockDuration: this.options.lockMs,
        stalledInterval: this.options.lockMs,
        // Above the count checked before each run, so the job still reaches it and its person is
        // told; BullMQ's own limit would fail it unseen, with its own wording.
        maxStalledCount: this.options.attempts,
      },
    );
    // The worker keeps retrying while Redis is away; /readyz names Redis meanwhile.
    this.worker.on('error', this.reportError);
  }

  async failed(): Promise<FailedJob[]> {
    const jobs = await this.queue.getFailed(0, KEEP.count - 1);
    return jobs.map((job) => ({
      job: job.data,
      reason: job.failedReason,
      failedAt: new Date(job.finishedOn ?? job.timestamp).toISOString(),
    }));
  }

  /** Lets running jobs finish; waiting jobs stay in Redis for any instance. */
  async close(): Promise<void> {
    if (this.connections.some((c) => c.status !== 'ready')) {
      // Redis is away: nothing can be handed back to it, and closing would wait for it.
      for (const connection of this.connections) connection.disconnect();
      return;
    }
    const closing = (async () => {
      await this.worker?.close();
      await this.events.close();
      await this.queue.close();
    })();
    // With Redis gone, closing would wait for it forever: give up after the running jobs' lock.
    await Promise.race([closing, new Promise((r) => setTimeout(r, this.options.lockMs).unref())]);
    for (const connection of this.connections) connection.disconnect();
  }

  private readonly reportError = (error: Error): void => {
    if (Date.now() - this.lastErrorAt < 60_000) return;
    this.lastErrorAt = Date.now();
    this.options.onConnectionError?.(error);
  };

  private connect(queueWhileOffline = true): Redis {
    // BullMQ's blocking reads need ioredis to retry forever rather than fail a command.
    const connection = new Redis(this.options.redisUrl, {
      maxRetriesPerRequest: null,
      enableOfflineQueue: queueWhileOffline,
    });
    connection.on('error', this.reportError);
    this.connections.push(connection);
    return connection;
  }
}
