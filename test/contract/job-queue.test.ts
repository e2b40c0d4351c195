import { randomUUID } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { QueueEvents, type Worker } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { IngestError } from '../../src/core/errors.js';
import type { FileOutcome } from '../../src/core/message.js';
import type { IngestJob, JobQueue, JobRunInfo } from '../../src/core/ports/job-queue.js';
import { JournalJobQueue, type RetryPolicy } from '../../src/stores/local/journal-job-queue.js';
import { BullJobQueue } from '../../src/stores/redis/bullmq-job-queue.js';

const POLICY: RetryPolicy = { attempts: 3, backoffMs: 20, concurrency: 2 };

function job(name = 'notes.md'): IngestJob {
  return {
    id: randomUUID().replaceAll('-', ''),
    platform: 'slack',
    tenantId: 'T1',
    scope: 'tenant',
    file: { name, url: `https://files.example/${name}` },
    replyTo: { channelId: 'C1', userId: 'U1', threadId: 'C1:1.0' },
  };
}

const indexed = (j: IngestJob): FileOutcome => ({ name: j.file.name, status: 'indexed', passages: 2 });

const open: JobQueue[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((q) => q.close()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function journalDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'docent-jobs-'));
  dirs.push(dir);
  return dir;
}

const queues: Record<string, () => Promise<JobQueue>> = {
  journal: async () => JournalJobQueue.open(await journalDir(), POLICY),
  bullmq: async () =>
    new BullJobQueue({
      ...POLICY,
      redisUrl: 'redis://127.0.0.1:6379',
      prefix: `test-${randomUUID().slice(0, 8)}`,
      lockMs: 5000,
    }),
};

/**
 * Instances of one queue (a journal directory, a Redis prefix) as successive processes, and how
 * each dies in the middle of a job: it stops with nothing handed back, as under SIGKILL.
 */
const lives: Record<string, () => Promise<{ next(): Promise<JobQueue>; die(q: JobQueue): Promise<void> }>> = {
  journal: async () => {
    const dir = await journalDir();
    return {
      next: () => JournalJobQueue.open(dir, POLICY),
      // Nothing but what is already on disk remains.
      die: (q) => (q as unknown as { handle: FileHandle }).handle.close(),
    };
  },
  bullmq: async () => {
    const options = {
      ...POLICY,
      redisUrl: 'redis://127.0.0.1:6379',
      prefix: `test-${randomUUID().slice(0, 8)}`,
      lockMs: 500,
    };
    return {
      next: async () => new BullJobQueue(options),
      // The worker stops renewing its lock and lets go of nothing: the job stays claimed until it expires.
      die: async (q) => {
        await (q as unknown as { worker: Worker }).worker.close(true);
        await q.close();
      },
    };
  },
};

describe.each(Object.keys(queues))('job queue contract: %s', (kind) => {
  const make = async () => {
    const queue = await (queues[kind] as () => Promise<JobQueue>)();
    open.push(queue);
    return queue;
  };

  it('runs a job once, tells whoever waits, and knows a redelivered id', async () => {
    const queue = await make();
    const runs: string[] = [];
    await queue.process(async (j) => {
      runs.push(j.id);
      return indexed(j);
    });
    const j = job();
    expect(await queue.add(j)).toBe(true);
    expect(await queue.waitFor(j.id)).toEqual({ ok: true, outcome: indexed(j) });
    expect(await queue.add(j)).toBe(false);
    await new Promise((r) => setTimeout(r, 100));
    expect(runs).toEqual([j.id]);
  });

  it('retries a failed download with backoff until it works', async () => {
    const queue = await make();
    const infos: JobRunInfo[] = [];
    await queue.process(async (j, info) => {
      infos.push(info);
      if (infos.length < 3)
        throw new IngestError('unreadable', 'the server answered 503', { transient: true });
      return indexed(j);
    });
    const j = job();
    await queue.add(j);
    expect(await queue.waitFor(j.id)).toEqual({ ok: true, outcome: indexed(j) });
    expect(infos.map((i) => i.lastAttempt)).toEqual([false, false, true]);
    expect(await queue.failed()).toEqual([]);
  });

  it('fails a file that cannot be read at once, and keeps it with its reason', async () => {
    const queue = await make();
    let runs = 0;
    await queue.process(async () => {
      runs++;
      throw new IngestError('corrupt', 'scan.pdf: the PDF is damaged.');
    });
    const j = job('scan.pdf');
    await queue.add(j);
    expect(await queue.waitFor(j.id)).toEqual({ ok: false, reason: 'scan.pdf: the PDF is damaged.' });
    expect(runs).toBe(1);
    const [failed] = await queue.failed();
    expect(failed).toMatchObject({
      job: { id: j.id, file: { name: 'scan.pdf' } },
      reason: 'scan.pdf: the PDF is damaged.',
    });
  });

  it('gives up after the last attempt and keeps the job with its reason', async () => {
    const queue = await make();
    await queue.process(async () => {
      throw new IngestError('unreadable', 'report.pdf: could not be downloaded (ECONNRESET).', {
        transient: true,
      });
    });
    const j = job('report.pdf');
    await queue.add(j);
    expect(await queue.waitFor(j.id)).toEqual({
      ok: false,
      reason: 'report.pdf: could not be downloaded (ECONNRESET).',
    });
    expect((await queue.failed()).map((f) => f.job.id)).toContain(j.id);
  });

  it('fails a job for good once every attempt ended with the process dying, and says why', async () => {
    const life = await (lives[kind] as () => ReturnType<(typeof lives)['journal']>)();
    const j = job('crash.pdf');
    const seen: JobRunInfo[] = [];
    // Each process takes the job up, and dies while ingesting it.
    for (let n = 1; n <= POLICY.attempts; n++) {
      const dying = await life.next();
      let started!: () => void;
      const running = new Promise<void>((resolve) => {
        started = resolve;
      });
      await dying.process((_job, info) => {
        seen.push(info);
        started();
        return new Promise<never>(() => {});
      });
      if (n === 1) await dying.add(j);
      await running;
      await life.die(dying);
    }
    expect(seen.map((i) => i.lastAttempt)).toEqual([false, false, true]);
    expect(seen.slice(1).every((i) => i.recovered)).toBe(true);

    const survivor = await life.next();
    open.push(survivor);
    let runs = 0;
    const abandoned: { id: string; reason: string }[] = [];
    await survivor.process(
      async (k) => {
        runs++;
        return indexed(k);
      },
      async (k, reason) => {
        abandoned.push({ id: k.id, reason });
      },
    );
    const reason = 'crash.pdf: the service stopped while ingesting it 3 times, so it is not tried again.';
    expect(await survivor.waitFor(j.id)).toEqual({ ok: false, reason });
    expect(runs).toBe(0);
    expect(abandoned).toEqual([{ id: j.id, reason }]);
    expect((await survivor.failed()).find((f) => f.job.id === j.id)).toMatchObject({ reason });
  }, 30_000);
});

describe('BullMQ waiters', () => {
  it('hear of a job whose end their events reader never heard (it was not yet reading)', async () => {
    const queue = new BullJobQueue({
      ...POLICY,
      redisUrl: 'redis://127.0.0.1:6379',
      prefix: `test-${randomUUID().slice(0, 8)}`,
      lockMs: 5000,
    });
    open.push(queue);
    // A real reader, listening where this queue's events never go: as deaf as one that started
    // reading just after the job ended.
    const deaf = new QueueEvents('ingest', {
      connection: { host: '127.0.0.1', port: 6379 },
      prefix: `elsewhere-${randomUUID().slice(0, 8)}`,
    });
    (queue as unknown as { events: QueueEvents }).events = deaf;
    try {
      await queue.process(async () => {
        throw new IngestError('corrupt', 'scan.pdf: the PDF is damaged.');
      });
      const j = job('scan.pdf');
      await queue.add(j);
      const started = performance.now();
      expect(await queue.waitFor(j.id)).toEqual({ ok: false, reason: 'scan.pdf: the PDF is damaged.' });
      expect(performance.now() - started).toBeLessThan(5_000);
    } finally {
      await deaf.close();
    }
  });
});

describe('the local journal across a crash', () => {
  it('runs a job recorded before the crash after the restart, marked as recovered', async () => {
    const dir = await journalDir();
    const before = await JournalJobQueue.open(dir, POLICY);
    const j = job('handbook.pdf');
    await before.add(j);
    // The process dies before working on it: nothing but the journal survives.
    await before.close();

    const after = await JournalJobQueue.open(dir, POLICY);
    open.push(after);
    const seen: JobRunInfo[] = [];
    await after.process(async (recovered, info) => {
      seen.push(info);
      return indexed(recovered);
    });
    expect(await after.waitFor(j.id)).toEqual({ ok: true, outcome: indexed(j) });
    expect(seen).toEqual([{ recovered: true, lastAttempt: false }]);
  });

  it('still knows a finished job after a restart, so a redelivered event makes no new job', async () => {
    const dir = await journalDir();
    const before = await JournalJobQueue.open(dir, POLICY);
    await before.process(async (j) => indexed(j));
    const j = job();
    await before.add(j);
    await before.waitFor(j.id);
    await before.close();

    const after = await JournalJobQueue.open(dir, POLICY);
    open.push(after);
    expect(await after.add(j)).toBe(false);
    expect(await after.waitFor(j.id)).toEqual({ ok: true, outcome: indexed(j) });
  });
});
