import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let known: string | undefined;

/** Docent's version, from the nearest package.json up from here (from src/ or dist/src/). */
export function packageVersion(): string {
  if (known !== undefined) return known;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  try {
    const { version } = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
      version?: unknown;
    };
    known = typeof version === 'string' ? version : 'unknown';
  } catch {
    known = 'unknown';
  }
  return known;
}
