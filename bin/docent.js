#!/usr/bin/env node
// Runs the compiled JavaScript in dist/: `npm ci` builds it (the prepare script), as does `npm run build`.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/src/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('docent is not built yet: run `npm run build` in its folder.\n');
  process.exit(1);
}
await import(cli.href);
