import { type FileHandle, mkdir, open, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import type { FailedJob, IngestJob, JobQueue, JobResult, JobRunInfo } from '../core/ingest-jobs.js';
import { isPermanent } from '../core/ingest-jobs.js';
import type { FileOutcome } from '../core/message.js';
import { describeError } from '../errors.js';
import { trimOldest } from './trim-oldest.js';

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
  | { op: 'done'; id: string; outcome: FileOutcome }
  | { op: 'failed'; job: IngestJob; reason: string; at: string };

const JOURNAL = 'ingest-jobs.jsonl';
const KEEP_FAILED = 1000;
const KEEP_FINISHED = 1000;
// Rewritten with only what is still needed once it has this many lines.
const COMPACT_AFTER_LINES = 4000;

/**
 * The embedded job queue: an append-only journal under DATA_DIR, each entry on disk (fsync)
 * before `add` resolves. On open, jobs added but never finished are the ones a crash
 * interrupted; they run again. One process owns a data directory.
 */
export class JournalJobQueue implements JobQueue {
  private readonly pending = new Map<string, { job: IngestJob; recovered: boolean }>();
  private readonly ready: string[] = [];
  private readonly finished = new Map<string, JobResult>();
  private readonly waiters = new Map<string, ((result: JobResult) => void)[]>();
  private failedJobs: FailedJob[] = [];
  private run?: (job: IngestJob, info: JobRunInfo) => Promise<FileOutcome>;
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
    this.pending.set(job.id, { job, recovered: false });
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

  async process(run: (job: IngestJob, info: JobRunInfo) => Promise<FileOutcome>): Promise<void> {
    this.run = run;
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
      const work = this.work(entry.job, entry.recovered, this.run).finally(() => {
        this.active.delete(work);
        this.pump();
      });
      this.active.add(work);
    }
  }

  private async work(
    job: IngestJob,
    recovered: boolean,
    run: (job: IngestJob, info: JobRunInfo) => Promise<FileOutcome>,
  ): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const lastAttempt = attempt >= this.policy.attempts;
      try {
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
        const reason = describeError(error);
        const failedAt = new Date().toISOString();
        await this.append({ op: 'failed', job, reason, at: failedAt });
        this.failedJobs = [...this.failedJobs, { job, reason, failedAt }].slice(-KEEP_FAILED);
        return this.finish(job.id, { ok: false, reason });
      }
    }
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
    trimOldest(this.finished, KEEP_FINISHED);
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
      if (entry.op === 'add') this.pending.set(entry.job.id, { job: entry.job, recovered: true });
      else if (entry.op === 'done') {
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
      ...[...this.finished].flatMap(([id, result]): Entry[] =>
        result.ok ? [{ op: 'done', id, outcome: result.outcome }] : [],
      ),
      ...this.failedJobs.map((f): Entry => ({ op: 'failed', job: f.job, reason: f.reason, at: f.failedAt })),
      ...[...this.pending.values()].map(({ job }): Entry => ({ op: 'add', job })),
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
