import { createHash } from 'node:crypto';
import { DocentError, describeError, IngestError } from './errors.js';
import type { KnowledgeBase } from './knowledge-base.js';
import type { FileOutcome, Platform } from './message.js';
import type {
  FailedJob,
  FileFetcher,
  IngestJob,
  JobNotifier,
  JobQueue,
  JobRunInfo,
} from './ports/job-queue.js';
import type { DocumentOrigin } from './types.js';

/** A job's id from the event that shared the file, so a redelivered event names the same job. */
export function ingestJobId(platform: Platform, tenantId: string, eventId: string, index: number): string {
  return createHash('sha256')
    .update(`${platform}\0${tenantId}\0${eventId}\0${index}`)
    .digest('hex')
    .slice(0, 32);
}

/** A shared file belongs to the person who shared it, in the conversation it was shared in. */
export function sharedFileOrigin(job: IngestJob): DocumentOrigin {
  return {
    addedBy: job.replyTo.userId,
    addedIn: job.scope.startsWith('user:') ? 'dm' : job.replyTo.channelId,
    platform: job.platform,
  };
}

/** Why a job that was being ingested each time the process stopped is not tried again. */
export function interruptedReason(job: IngestJob, attempts: number): string {
  return `${job.file.name}: the service stopped while ingesting it ${attempts === 1 ? 'once' : `${attempts} times`}, so it is not tried again.`;
}

/** A failure no retry can fix: the file itself is the problem. */
export function isPermanent(error: unknown): boolean {
  return error instanceof DocentError && !(error instanceof IngestError && error.transient);
}

/**
 * Shared files become durable jobs: recorded before the platform hears back, then fetched and
 * ingested by a worker. A job interrupted by a crash runs again after a restart; ingestion is
 * idempotent per document, so it is indexed once. The attempts a crash cut short count, so a file
 * that brings the process down is given up (and its person told) rather than tried at every start.
 */
export class IngestJobs {
  private readonly fetchers = new Map<Platform, FileFetcher>();
  private readonly notifiers = new Map<Platform, JobNotifier>();
  private started = false;

  constructor(
    private readonly queue: JobQueue,
    private readonly knowledgeBase: KnowledgeBase,
    private readonly onError: (job: IngestJob, error: unknown) => void = () => {},
  ) {}

  /** A platform's way to download its files and to report on jobs nobody waits for. */
  register(platform: Platform, fetch: FileFetcher, notify?: JobNotifier): void {
    this.fetchers.set(platform, fetch);
    if (notify) this.notifiers.set(platform, notify);
  }

  /** Starts the worker once the platforms are registered: recovered jobs need their fetchers. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.queue.process(
      (job, info) => this.run(job, info),
      (job, reason) => this.abandoned(job, reason),
    );
  }

  add(job: IngestJob): Promise<boolean> {
    return this.queue.add(job);
  }

  async outcome(job: IngestJob): Promise<FileOutcome> {
    const result = await this.queue.waitFor(job.id);
    return result.ok ? result.outcome : { name: job.file.name, status: 'failed', reason: result.reason };
  }

  failed(): Promise<FailedJob[]> {
    return this.queue.failed();
  }

  close(): Promise<void> {
    return this.queue.close();
  }

  private async run(job: IngestJob, info: JobRunInfo): Promise<FileOutcome> {
    let outcome: FileOutcome;
    try {
      const fetch = this.fetchers.get(job.platform);
      if (!fetch)
        throw new DocentError('unreadable', `${job.file.name}: ${job.platform} is not connected here.`);
      const result = await this.knowledgeBase.ingest({
        tenantId: job.tenantId,
        scope: job.scope,
        source: job.file.name,
        origin: sharedFileOrigin(job),
        fetchData: (maxBytes) => fetch(job.file, maxBytes),
      });
      outcome = { name: job.file.name, status: result.status, passages: result.document.passages };
    } catch (error) {
      this.onError(job, error);
      if (info.recovered && (info.lastAttempt || isPermanent(error)))
        await this.notify(job, { name: job.file.name, status: 'failed', reason: describeError(error) });
      throw error;
    }
    if (info.recovered) await this.notify(job, outcome);
    return outcome;
  }

  private async abandoned(job: IngestJob, reason: string): Promise<void> {
    this.onError(job, new Error(reason));
    await this.notify(job, { name: job.file.name, status: 'failed', reason });
  }

  private async notify(job: IngestJob, outcome: FileOutcome): Promise<void> {
    await this.notifiers
      .get(job.platform)?.(job, outcome)
      .catch((error) => this.onError(job, error));
  }
}
