import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { DataDirBusyError, DataDirLock } from '../../src/stores/local/data-dir-lock.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'docent-lock-'));
  dirs.push(dir);
  return dir;
}

const lockFile = (dir: string) => path.join(dir, 'docent.lock');

it('refuses while the owner lives, naming it, and what to do instead', async () => {
  const dir = await dataDir();
  const owner = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
  try {
    await writeFile(lockFile(dir), JSON.stringify({ pid: owner.pid, command: 'serve' }));
    const refused = await DataDirLock.acquire(dir, 'docs rm').catch((e) => e);
    expect(refused).toBeInstanceOf(DataDirBusyError);
    expect(refused.message).toBe(
      `DATA_DIR ${dir} is in use by docent serve (pid ${owner.pid}): stop it first, or make the change ` +
        'through its admin API (POST /admin/documents to add, DELETE /admin/documents/<doc_id> to remove).',
    );
    expect(JSON.parse(await readFile(lockFile(dir), 'utf8')).pid).toBe(owner.pid);
  } finally {
    owner.kill('SIGKILL');
  }
});

it('takes over a lock whose process is gone, or whose pid now belongs to another process', async () => {
  const dir = await dataDir();
  const gone = spawnSync(process.execPath, ['-e', '']).pid;
  await writeFile(lockFile(dir), JSON.stringify({ pid: gone, command: 'serve' }));
  const lock = await DataDirLock.acquire(dir, 'ingest');
  expect(JSON.parse(await readFile(lockFile(dir), 'utf8'))).toMatchObject({
    pid: process.pid,
    command: 'ingest',
  });
  await lock.release();

  // A live pid, but one that started at another time than the lock's owner (Linux /proc only).
  const reused = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
  try {
    await writeFile(lockFile(dir), JSON.stringify({ pid: reused.pid, command: 'serve', startTicks: '1' }));
    await expect(DataDirLock.acquire(dir, 'ingest')).resolves.toBeInstanceOf(DataDirLock);
  } finally {
    reused.kill('SIGKILL');
  }
});

it('keeps another process out while this one holds the lock, and lets it in once released', async () => {
  const dir = await dataDir();
  const first = await DataDirLock.acquire(dir, 'serve');
  const claimElsewhere = () =>
    spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `import('${path.resolve('src/stores/local/data-dir-lock.ts')}').then((m) => m.DataDirLock.acquire(${JSON.stringify(dir)}, 'ingest')).then(() => process.exit(0), (e) => { console.error(e.message); process.exit(3); })`,
      ],
      { encoding: 'utf8' },
    );
  const other = claimElsewhere();
  expect(other.status).toBe(3);
  expect(other.stderr).toContain(`in use by docent serve (pid ${process.pid})`);
  await first.release();
  expect(claimElsewhere().status).toBe(0);
});
