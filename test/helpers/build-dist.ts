// Vitest global setup: CLI and `docent serve` tests spawn bin/docent.js, which runs the compiled
// dist/, and the admin console's test loads the console built into dist/console. Build both first
// whenever a source is newer than the last build, so even a single test file runs against the code
// as it is now.
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync, utimesSync } from 'node:fs';
import path from 'node:path';

const BUILD_INFO = 'dist/.tsbuildinfo';
const SOURCE_DIRS = ['src', 'adapters', 'graphs', 'console'];
const BUILD_INPUTS = ['tsconfig.json', 'tsconfig.build.json', 'package.json'];

function lastBuilt(): number {
  try {
    return statSync(BUILD_INFO).mtimeMs;
  } catch {
    return 0;
  }
}

function newestSource(): number {
  const files = SOURCE_DIRS.flatMap((dir) =>
    readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => path.join(dir, f)),
  );
  return Math.max(...[...files, ...BUILD_INPUTS].map((f) => statSync(f).mtimeMs));
}

export default function buildDist() {
  if (newestSource() <= lastBuilt()) return;
  try {
    execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
  } catch {
    // tsc still wrote the JavaScript; the type errors are for `npm run typecheck` to report.
    process.stderr.write('warning: dist/ was built with type errors (see above)\n');
  }
  const now = new Date();
  utimesSync(BUILD_INFO, now, now);
}
