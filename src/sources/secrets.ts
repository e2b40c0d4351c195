import { readFile } from 'node:fs/promises';
import { DocentError } from '../core/errors.js';
import type { SecretRef } from '../core/ports/source-store.js';

const MAX_SECRET_BYTES = 16 * 1024;

/**
 * The token a source's configuration names: an environment variable or a file (its first line),
 * read at each sync, so a rotated token is used without touching the source.
 */
export async function readSecret(
  ref: SecretRef,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string | undefined> {
  if (ref.env) {
    const value = env[ref.env]?.trim();
    if (!value) throw new DocentError('invalid_input', `The environment variable ${ref.env} is not set.`);
    return value;
  }
  if (ref.file) {
    let text: string;
    try {
      const bytes = await readFile(ref.file);
      if (bytes.length > MAX_SECRET_BYTES) throw new Error('too large for a token');
      text = bytes.toString('utf8');
    } catch (error) {
      throw new DocentError(
        'invalid_input',
        `The token file ${ref.file} cannot be read (${(error as Error).message}).`,
      );
    }
    const value = text.split(/\r?\n/)[0]?.trim();
    if (!value) throw new DocentError('invalid_input', `The token file ${ref.file} is empty.`);
    return value;
  }
  return undefined;
}
