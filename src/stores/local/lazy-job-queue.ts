import type { FileOutcome } from '../../core/message.js';
import type {
  AbandonedJobHandler,
  FailedJob,
  IngestJob,
  JobQueue,
  JobResult,
  JobRunInfo,
} from '../../core/ports/job-queue.js';

/**
 * A job queue opened on first use. Commands that never ingest a shared file (ask, docs list,
 * eval) then never open the journal, which would replay and rewrite it under the process that
 * owns it, nor connect to the Redis queue.
 */
export class LazyJobQueue implements JobQueue {
  private opened?: Promise<JobQueue>;

  constructor(private readonly openQueue: () => Promise<JobQueue>) {}

  async add(job: IngestJob): Promise<boolean> {
    return (await this.queue()).add(job);
  }

  async waitFor(id: string): Promise<JobResult> {
    if (!this.opened) return { ok: false, reason: 'no such ingestion job' };
    return (await this.opened).waitFor(id);
  }

  async process(
    run: (job: IngestJob, info: JobRunInfo) => Promise<FileOutcome>,
    onAbandoned?: AbandonedJobHandler,
  ): Promise<void> {
    await (await this.queue()).process(run, onAbandoned);
  }

  async failed(): Promise<FailedJob[]> {
    return (await this.queue()).failed();
  }

  async close(): Promise<void> {
    const opened = this.opened;
    this.opened = undefined;
    await (await opened?.catch(() => undefined))?.close();
  }

  private queue(): Promise<JobQueue> {
    // A failed open (the directory is another process's) is tried again next time.
    this.opened ??= this.openQueue().catch((error) => {
      this.opened = undefined;
      throw error;
    });
    return this.opened;
  }
}
