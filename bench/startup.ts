// npm run bench:startup: how long `docent --help` and `docent docs list` (on a small knowledge base)
// take from the shell, run from the compiled dist/ (as installed) and from the TypeScript sources
// through tsx (as Docent ran before it was compiled). Each command runs --runs times; the median counts.
// --bin PATH adds another docent to compare, e.g. bin/docent.js of an older checkout.
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { percentile } from '../src/eval/evaluate.js';
import buildDist from '../test/helpers/build-dist.js';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '7' }, bin: { type: 'string' } },
});
const RUNS = Number(values.runs);
const COMPILED = ['bin/docent.js'];
const WAYS: Record<string, string[]> = {
  compiled: COMPILED,
  tsx_sources: ['--import', 'tsx', 'src/cli.ts'],
  ...(values.bin ? { [values.bin]: [values.bin] } : {}),
};
const COMMANDS = { help: ['--help'], docs_list: ['docs', 'list'] };

buildDist();
const dir = await mkdtemp(path.join(tmpdir(), 'docent-bench-startup-'));
const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATA_DIR: path.join(dir, 'data') };

function docent(args: string[]): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, {
    env: { ...env, LANCEDB_LOG: 'error' },
    encoding: 'utf8',
  });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`docent ${args.join(' ')} failed:\n${result.stderr}`);
  return seconds;
}

// A small knowledge base: twenty short documents.
await mkdir(path.join(dir, 'docs'));
for (let i = 0; i < 20; i++) {
  await writeFile(
    path.join(dir, 'docs', `note-${i}.md`),
    `# Note ${i}\n\nTeam note number ${i}: keep it short.\n`,
  );
}
docent([...COMPILED, 'ingest', path.join(dir, 'docs')]);

const results: Record<string, unknown> = { node: process.version, runs: RUNS };
for (const [way, prefix] of Object.entries(WAYS)) {
  const timings: Record<string, unknown> = {};
  for (const [name, args] of Object.entries(COMMANDS)) {
    docent([...prefix, ...args]); // warm the file cache
    const seconds = Array.from({ length: RUNS }, () => docent([...prefix, ...args]));
    timings[name] = {
      median_s: Number(percentile(seconds, 0.5).toFixed(3)),
      min_s: Number(Math.min(...seconds).toFixed(3)),
    };
  }
  results[way] = timings;
}
await rm(dir, { recursive: true, force: true });
console.log(JSON.stringify(results, null, 2));
