import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DocentError } from '../../core/errors.js';

const LOCK = 'docent.lock';

/** Who holds a data directory: written into the lock file. */
export interface LockOwner {
  pid: number;
  /** The docent command that took the lock (serve, ingest, …), named to whoever is refused. */
  command: string;
  /** When the process started, in clock ticks since boot (Linux): tells a reused pid apart. */
  startTicks?: string;
}

/** Another live process owns the data directory; the message says which and what to do instead. */
export class DataDirBusyError extends DocentError {
  override name = 'DataDirBusyError';

  constructor(
    readonly dataDir: string,
    readonly owner: LockOwner,
    command: string,
  ) {
    super(
      'busy',
      `DATA_DIR ${dataDir} is in use by docent ${owner.command} (pid ${owner.pid}): ${advice(owner, command)}.`,
    );
  }
}

function advice(owner: LockOwner, command: string): string {
  if (owner.command !== 'serve') return 'wait for it to finish (or stop it) and try again';
  if (command === 'serve')
    return 'stop it first, or set REDIS_URL on both so several instances can share the directory';
  return (
    'stop it first, or make the change through its admin API ' +
    '(POST /admin/documents to add, DELETE /admin/documents/<doc_id> to remove)'
  );
}

/**
 * One process at a time writes a data directory run without Redis: the ingestion journal, and
 * the answers it caches in memory, are that process's alone. The lock file holds the owner's
 * pid; it is created atomically (a hard link fails when the name exists), and a lock whose
 * process is gone is taken over.
 */
export class DataDirLock {
  private constructor(
    private readonly file: string,
    private readonly owner: LockOwner,
  ) {}

  static async acquire(dataDir: string, command: string): Promise<DataDirLock> {
    await mkdir(dataDir, { recursive: true });
    const file = path.join(dataDir, LOCK);
    const owner: LockOwner = { pid: process.pid, command, startTicks: await startTicks(process.pid) };
    const text = JSON.stringify(owner);
    // Written whole under a name of its own first, so nobody ever reads a half-written lock.
    const draft = `${file}.${process.pid}`;
    await writeFile(draft, text, { flush: true });
    try {
      // Each round either takes the lock, names its live owner, or clears a stale one.
      for (let round = 0; round < 5; round++) {
        try {
          await link(draft, file);
          return new DataDirLock(file, owner);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        }
        const held = await readFile(file, 'utf8').catch(() => undefined);
        if (held === undefined) continue; // released meanwhile
        const holder = parseOwner(held);
        if (holder && (await isAlive(holder))) throw new DataDirBusyError(dataDir, holder, command);
        // Stale: its process is gone. Removed only if it is still the lock just read.
        if ((await readFile(file, 'utf8').catch(() => undefined)) === held)
          await unlink(file).catch(() => undefined);
      }
      throw new Error(`could not take ${file}: it keeps coming back, or cannot be removed`);
    } finally {
      await unlink(draft).catch(() => undefined);
    }
  }

  /** Removes the lock if it is still this process's. */
  async release(): Promise<void> {
    const held = await readFile(this.file, 'utf8').catch(() => undefined);
    if (held !== undefined && parseOwner(held)?.pid === this.owner.pid)
      await unlink(this.file).catch(() => {});
  }
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(text) as Partial<LockOwner>;
    if (Number.isInteger(owner.pid) && typeof owner.command === 'string') return owner as LockOwner;
  } catch {}
  return undefined; // unreadable: nobody can be named, so it is treated as stale
}

async function isAlive(owner: LockOwner): Promise<boolean> {
  // This pid is ours: the lock is left from an earlier life of it (a restarted container).
  if (owner.pid === process.pid) return false;
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const ticks = await startTicks(owner.pid);
  // Same pid, started at another time: the owner died and the pid was given to someone else.
  return !(owner.startTicks && ticks && ticks !== owner.startTicks);
}

/** The process's start time from /proc (field 22 of stat), where there is a /proc. */
async function startTicks(pid: number): Promise<string | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  // The command name (field 2) may hold spaces and parentheses: count from its closing one.
  return stat?.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}
