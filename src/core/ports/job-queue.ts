import type { FileOutcome, Platform, SharedFile } from '../message.js';
import type { Scope } from '../types.js';

/** Where the person who shared a file hears how it went. Plain data: it is stored with the job. */
export interface ReplyTo {
  channelId: string;
  userId: string;
  /** The platform's thread or message the reply belongs under, when there is one. */
  threadId?: string;
}

/** One shared file to ingest. Plain data only, so it survives a restart in the journal or Redis. */
export interface IngestJob {
  id: string;
  platform: Platform;
  tenantId: string;
  scope: Scope;
  file: SharedFile;
  replyTo: ReplyTo;
}

export type JobResult = { ok: true; outcome: FileOutcome } | { ok: false; reason: string };

export interface JobRunInfo {
  /** The job was picked up again after the process working on it died: nobody is waiting for it. */
  recovered: boolean;
  /** No retry follows if this attempt fails. */
  lastAttempt: boolean;
}

export interface FailedJob {
  job: IngestJob;
  reason: string;
  failedAt: string;
}

/** Told once about a job failed for good without running it again: it was interrupted too often. */
export type AbandonedJobHandler = (job: IngestJob, reason: string) => Promise<void>;

/** A durable queue of ingestion jobs: a local journal, or a queue in Redis shared by every instance. */
export interface JobQueue {
  /**
   * Resolves once the job is recorded durably: true, or false when the id was already known (a
   * redelivered event), in which case nothing changes.
   */
  add(job: IngestJob): Promise<boolean>;
  /** The job's result once it finished, on whichever instance ran it. */
  waitFor(id: string): Promise<JobResult>;
  /**
   * Starts working: `run` returns the outcome, or throws to fail (retried unless permanent). Every
   * attempt counts, also one the process died in: a job whose attempts all ended that way is failed
   * for good instead of run again, and `onAbandoned` hears of it.
   */
  process(
    run: (job: IngestJob, info: JobRunInfo) => Promise<FileOutcome>,
    onAbandoned?: AbandonedJobHandler,
  ): Promise<void>;
  /** Jobs that failed for good, newest first, with their reason. */
  failed(): Promise<FailedJob[]>;
  close(): Promise<void>;
}

/** Reads a shared file's bytes with the platform's credentials. */
export type FileFetcher = (file: SharedFile, maxBytes: number) => Promise<Uint8Array>;
/** Tells the person who shared a file how it went, when no conversation is waiting for it. */
export type JobNotifier = (job: IngestJob, outcome: FileOutcome) => Promise<void>;
