// npm run bench:memory [-- --one-server]: the peak RSS of `docent serve`, default settings, while it
// ingests each file of bench/memory-files.ts (bombs and legitimate files near the limits) through
// POST /admin/documents. Each file goes to a fresh service unless --one-server sends them all, one
// after the other, to the same one. The peak is the kernel's (VmHWM), reset before each file.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type ServeProcess, startServeProcess } from '../test/helpers/serve-process.js';
import { type BenchFile, benchFiles } from './memory-files.js';

const CEILING_MB = 768;
const ADMIN_TOKEN = 'bench-memory';
const { values } = parseArgs({ options: { 'one-server': { type: 'boolean', default: false } } });

const status = async (serve: ServeProcess, field: 'VmHWM' | 'VmRSS') => {
  const text = await readFile(`/proc/${serve.child.pid}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(text)?.[1] ?? 0) / 1024;
};

async function startService(dir: string): Promise<ServeProcess> {
  const serve = await startServeProcess({
    DATA_DIR: dir,
    DOCENT_ADMIN_TOKEN: ADMIN_TOKEN,
    EMBEDDINGS: 'local',
    // As the Dockerfile runs it (glibc otherwise keeps a memory arena per thread); INGEST_THREADS=0
    // in the environment compares preparation on the main thread.
    MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2',
    ...(process.env.INGEST_THREADS ? { INGEST_THREADS: process.env.INGEST_THREADS } : {}),
  });
  // The ingestion threads load for a few seconds after /healthz answers: files are sent
  // once the service has settled (RSS steady for 2 s), as it would be when they arrive.
  for (let last = 0, steady = 0, waited = 0; steady < 4 && waited < 60; waited++) {
    await new Promise((r) => setTimeout(r, 500));
    const now = await status(serve, 'VmRSS');
    steady = Math.abs(now - last) < 3 ? steady + 1 : 0;
    last = now;
  }
  return serve;
}

async function ingest(serve: ServeProcess, file: BenchFile): Promise<string[]> {
  // Linux: writing 5 to clear_refs resets VmHWM, so the peak is this file's.
  await writeFile(`/proc/${serve.child.pid}/clear_refs`, '5');
  const before = await status(serve, 'VmRSS');
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(file.bytes)]), file.name);
  const started = performance.now();
  const response = await fetch(`${serve.base}/admin/documents?tenant=bench`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    body: form,
  });
  const body = (await response.json()) as {
    results?: { status: string; passages?: number; error?: { code: string; message: string } }[];
  };
  const seconds = (performance.now() - started) / 1000;
  const result = body.results?.[0];
  if (result?.error) console.error(`  ${result.error.message}`);
  const outcome = !result
    ? `HTTP ${response.status}`
    : result.error
      ? `refused: ${result.error.code}`
      : `${result.status}, ${result.passages} passages`;
  const peak = await status(serve, 'VmHWM');
  const mb = (n: number) => `${n.toFixed(0)} MB`;
  return [
    file.what,
    `${(file.bytes.length / 1024 / 1024).toFixed(1)} MB`,
    outcome,
    `${seconds.toFixed(1)} s`,
    mb(before),
    mb(peak),
  ];
}

async function stop(serve: ServeProcess, dir: string): Promise<boolean> {
  const alive = serve.child.exitCode === null;
  serve.child.kill('SIGTERM');
  await serve.exited;
  await rm(dir, { recursive: true, force: true });
  return alive;
}

const files = await benchFiles();
const rows: string[][] = [];
let survived = true;
if (values['one-server']) {
  const dir = await mkdtemp(path.join(tmpdir(), 'docent-bench-memory-'));
  const serve = await startService(dir);
  for (const file of files) rows.push(await ingest(serve, file));
  survived = await stop(serve, dir);
} else {
  for (const file of files) {
    const dir = await mkdtemp(path.join(tmpdir(), 'docent-bench-memory-'));
    const serve = await startService(dir);
    rows.push(await ingest(serve, file));
    survived = (await stop(serve, dir)) && survived;
  }
}

const header = ['file', 'size', 'outcome', 'time', 'RSS before', 'peak RSS'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
console.log(line(header));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const row of rows) console.log(line(row));
const peak = Math.max(...rows.map((r) => Number.parseFloat(r[5] ?? '0')));
const held = peak < CEILING_MB ? 'held' : 'MISSED';
console.log(
  `\nhighest peak ${peak.toFixed(0)} MB (ceiling ${CEILING_MB} MB: ${held}); every service kept running: ${survived}.`,
);
