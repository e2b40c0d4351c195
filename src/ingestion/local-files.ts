import { open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { IngestError } from '../core/errors.js';
import { tooLarge } from '../core/ingest-document.js';

export interface LocalFile {
  absolutePath: string;
  /**
   * Relative to the working directory when the file is inside it, so `ingest docs` and
   * `ingest docs/a.md` name the same document; otherwise relative to the parent of what was named.
   */
  source: string;
}

const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git']);

/** Expands files and folders (recursively) into a sorted file list; hidden entries are skipped. */
export async function collectFiles(inputs: string[]): Promise<{ files: LocalFile[]; errors: IngestError[] }> {
  const files: LocalFile[] = [];
  const errors: IngestError[] = [];
  for (const input of inputs) {
    const root = path.resolve(input);
    const cwd = process.cwd();
    const base = root.startsWith(`${cwd}${path.sep}`) ? cwd : path.dirname(root);
    try {
      const info = await stat(root);
      if (info.isFile()) files.push({ absolutePath: root, source: toSource(base, root) });
      else await walk(root, base, files);
    } catch (err) {
      errors.push(unreadable(input, err));
    }
  }
  return { files, errors };
}

async function walk(dir: string, base: string, out: LocalFile[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    if (entry.name.startsWith('.') || SKIPPED_DIRECTORIES.has(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await walk(full, base, out);
    else if (entry.isFile())
      out.push({ absolutePath: full, source: path.relative(base, full).split(path.sep).join('/') });
  }
}

const toSource = (base: string, file: string) => path.relative(base, file).split(path.sep).join('/');

/**
 * Reads a file, refusing before reading when it is over the limit. `beforeRead` learns the size
 * first and may hold the read back (to bound the bytes held by files in flight).
 */
export function readLocalFile(
  file: LocalFile,
  beforeRead?: (size: number) => Promise<void>,
): (maxBytes: number) => Promise<Uint8Array> {
  return async (maxBytes) => {
    try {
      const handle = await open(file.absolutePath, 'r');
      try {
        const { size } = await handle.stat();
        if (size > maxBytes) throw tooLarge(file.source, size, maxBytes);
        await beforeRead?.(size);
        return new Uint8Array(await handle.readFile());
      } finally {
        await handle.close();
      }
    } catch (err) {
      if (err instanceof IngestError) throw err;
      throw unreadable(file.source, err);
    }
  };
}

function unreadable(name: string, err: unknown): IngestError {
  const code = (err as NodeJS.ErrnoException).code;
  const reason =
    code === 'ENOENT'
      ? 'no such file or folder'
      : code === 'EACCES'
        ? 'permission denied'
        : 'it cannot be read';
  return new IngestError('unreadable', `${name}: ${reason}.`, { cause: err });
}
