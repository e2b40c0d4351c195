import { type FileHandle, mkdir, open, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { LRUCache } from 'lru-cache';
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

export interface RetryPolicy {
  /** Tries per job, the first included. */
  attempts: number;
  /** Wait before the second try; doubles for each try after. */
  backoffMs: number;
  /** Jobs worked on at once. */
  concurrency: number;
}

type Entry =
  | { op: 'add'; job: IngestJob }
  // Written before an attempt runs: an attempt the process died in still counts.
  | { op: 'start'; id: string; attempt: number }
  | { op: 'done'; id: string; outcome: FileOutcome }
  | { op: 'failed'; job: IngestJob; reason: string; at: string };

const JOURNAL = 'ingest-jobs.jsonl';
const KEEP_FAILED = 1000;
const KEEP_FINISHED = 1000;
// Rewritten with only what is still needed once it has this many lines.
const COMPACT_AFTER_LINES = 4000;

interface Pending {
  job: IngestJob;
  recovered: boolean;
  /** Attempts begun so far, those a crash cut short included. */
  started: number;
}

/**
 * The embedded job queue: an append-only journal under DATA_DIR, each entry on disk (fsync)
 * before `add` resolves, and each attempt recorded before it runs. On open, jobs added but never
 * finished are the ones a crash interrupted; they run again, unless they have used up their
 * attempts (a file that kills the process must not kill it at every start). One process owns a
 * data directory (see DataDirLock).
 */
export class JournalJobQueue implements JobQueue {
  private readonly pending = new Map<string, Pending>();
  private readonly ready: string[] = [];
  private readonly finished = new LRUCache<string, JobResult>({ max: KEEP_FINISHED });
  private readonly waiters = new Map<string, ((result: JobResult) => void)[]>();
  private failedJobs: FailedJob[] = [];
  private run?: (job: IngestJob, info: JobRunInfo) => Promise<FileOutcome>;
  private onAbandoned?: AbandonedJobHandler;
  private readonly active = new Set<Promise<void>>();
  private writes: Promise<void> = Promise.resolve();
  private lines = 0;
  private closed = false;

  private constructor(
    private readonly file: string,
    private handle: FileHandle,
    private readonly policy: RetryPolicy,
  ) {}

  static async open(dir: string, policy: RetryPolicy): Promise<JournalJobQueue> {
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, JOURNAL);
    const queue = new JournalJobQueue(file, await open(file, 'a'), policy);
    await queue.replay();
    return queue;
  }

  async add(job: IngestJob): Promise<boolean> {
    if (this.closed) throw new Error('the job queue is closed');
    if (this.pending.has(job.id) || this.finished.has(job.id)) return false;
    this.pending.set(job.id, { job, recovered: false, started: 0 });
    try {
      await this.append({ op: 'add', job });
    } catch (error) {
      this.pending.delete(job.id);
      throw error;
    }
    this.ready.push(job.id);
    this.pump();
    return true;
  }

  waitFor(id: string): Promise<JobResult> {
    const done = this.finished.get(id);
    if (done) return Promise.resolve(done);
    if (!this.pending.has(id)) return Promise.resolve({ ok: false, reason: 'no such ingestion job' });
    return new Promise((resolve) => this.waiters.set(id, [...(this.waiters.get(id) ?? []), resolve]));
  }

  async process(
    run: (job: IngestJob, info: JobRunInfo) => Promise<FileOutcome>,
    onAbandoned?: AbandonedJobHandler,
  ): Promise<void> {
    this.run = run;
    this.onAbandoned = onAbandoned;
    this.pump();
  }

  async failed(): Promise<FailedJob[]> {
    return [...this.failedJobs].reverse();
  }

  /** Lets running jobs finish; jobs not started stay in the journal for the next start. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.active]);
    await this.writes;
    await this.handle.close();
  }

  private pump(): void {
    while (this.run && !this.closed && this.active.size < this.policy.concurrency && this.ready.length > 0) {
      const id = this.ready.shift() as string;
      const entry = this.pending.get(id);
      if (!entry) continue;
      const work = this.work(entry, this.run).finally(() => {
        this.active.delete(work);
        this.pump();
      });
      this.active.add(work);
    }
  }

  private async work(
    entry: Pending,
    run: (job: IngestJob, info: JobRunInfo) => Promise<FileOutcome>,
  ): Promise<void> {
    const { job, recovered } = entry;
    if (entry.started >= this.policy.attempts) return this.abandon(job, entry.started);
    for (let attempt = entry.started + 1; ; attempt++) {
      const lastAttempt = attempt >= this.policy.attempts;
      try {
        await this.append({ op: 'start', id: job.id, attempt });
        entry.started = attempt;
        const outcome = await run(job, { recovered, lastAttempt });
        await this.append({ op: 'done', id: job.id, outcome });
        return this.finish(job.id, { ok: true, outcome });
      } catch (error) {
        const final = lastAttempt || isPermanent(error);
        // Cut short by shutdown: the job stays pending in the journal and runs after the restart.
        if (!final && this.closed) return;
        if (!final) {
          await new Promise((r) => setTimeout(r, this.policy.backoffMs * 2 ** (attempt - 1)));
          continue;
        }
        return this.failForGood(job, describeError(error));
      }
    }
  }

  /** Every attempt ended with the process dying: the job is failed without running it again. */
  private async abandon(job: IngestJob, attempts: number): Promise<void> {
    const reason = interruptedReason(job, attempts);
    // On disk first: a crash while telling the person must not bring the job back.
    await this.recordFailure(job, reason);
    await this.onAbandoned?.(job, reason);
    this.finish(job.id, { ok: false, reason });
  }

  private async failForGood(job: IngestJob, reason: string): Promise<void> {
    await this.recordFailure(job, reason);
    this.finish(job.id, { ok: false, reason });
  }

  private async recordFailure(job: IngestJob, reason: string): Promise<void> {
    const failedAt = new Date().toISOString();
    await this.append({ op: 'failed', job, reason, at: failedAt });
    this.failedJobs = [...this.failedJobs, { job, reason, failedAt }].slice(-KEEP_FAILED);
  }

  private finish(id: string, result: JobResult): void {
    this.pending.delete(id);
    this.remember(id, result);
    for (const resolve of this.waiters.get(id) ?? []) resolve(result);
    this.waiters.delete(id);
    if (this.lines > COMPACT_AFTER_LINES) this.writes = this.writes.then(() => this.compact());
  }

  private remember(id: string, result: JobResult): void {
    this.finished.set(id, result);
  }

  /** One entry per line, on disk before the caller goes on; writes are serialised so lines never interleave. */
  private append(entry: Entry): Promise<void> {
    const write = this.writes.then(async () => {
      await this.handle.appendFile(`${JSON.stringify(entry)}\n`);
      await this.handle.datasync();
      this.lines++;
    });
    this.writes = write.catch(() => undefined);
    return write;
  }

  private async replay(): Promise<void> {
    const text = await readFile(this.file, 'utf8');
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      let entry: Entry;
      try {
        entry = JSON.parse(line) as Entry;
      } catch {
        continue; // the torn last line of a write a crash interrupted: that job was never acknowledged
      }
      if (entry.op === 'add') this.pending.set(entry.job.id, { job: entry.job, recovered: true, started: 0 });
      else if (entry.op === 'start') {
        const pending = this.pending.get(entry.id);
        if (pending) pending.started = Math.max(pending.started, entry.attempt);
      } else if (entry.op === 'done') {
        this.pending.delete(entry.id);
        this.remember(entry.id, { ok: true, outcome: entry.outcome });
      } else {
        this.pending.delete(entry.job.id);
        this.remember(entry.job.id, { ok: false, reason: entry.reason });
        this.failedJobs.push({ job: entry.job, reason: entry.reason, failedAt: entry.at });
      }
    }
    this.failedJobs = this.failedJobs.slice(-KEEP_FAILED);
    this.ready.push(...this.pending.keys());
    await this.compact();
  }

  /** Rewrites the journal with only what is still needed: unfinished jobs and kept failures. */
  private async compact(): Promise<void> {
    const entries: Entry[] = [
      // Finished jobs are kept for a while so a redelivered event is still known after a restart.
      // Oldest first, so replaying the journal keeps the newest.
      ...[...this.finished.entries()]
        .reverse()
        .flatMap(([id, result]): Entry[] => (result.ok ? [{ op: 'done', id, outcome: result.outcome }] : [])),
      ...this.failedJobs.map((f): Entry => ({ op: 'failed', job: f.job, reason: f.reason, at: f.failedAt })),
      ...[...this.pending.values()].flatMap(({ job, started }): Entry[] => [
        { op: 'add', job },
        ...(started > 0 ? [{ op: 'start' as const, id: job.id, attempt: started }] : []),
      ]),
    ];
    const temporary = `${this.file}.tmp`;
    const handle = await open(temporary, 'w');
    try {
      await handle.writeFile(entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
      await handle.datasync();
    } finally {
      await handle.close();
    }
    await this.handle.close();
    await rename(temporary, this.file);
    this.handle = await open(this.file, 'a');
    this.lines = entries.length;
  }
}
