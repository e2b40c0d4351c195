import { readFile, realpath } from 'node:fs/promises';
import { DocentError } from '../core/errors.js';
import type { SecretRef } from '../core/ports/source-store.js';
import { checkSecretRef, isInside } from '../core/source-secrets.js';

const MAX_SECRET_BYTES = 16 * 1024;

/**
 * The secret a source's configuration names: a token in an environment variable or a file (its
 * first line), or a JSON key file (whole), read at each sync, so a rotated one is used without
 * touching the source. Only where sources may read (checkSecretRef), checked again here for
 * sources stored before a rule tightened.
 */
export async function readSecret(
  ref: SecretRef,
  secretsDir: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string | undefined> {
  checkSecretRef(ref, secretsDir);
  if (ref.env) {
    const value = env[ref.env]?.trim();
    if (!value) throw new DocentError('invalid_input', `The environment variable ${ref.env} is not set.`);
    return value;
  }
  if (ref.file) {
    const value = (await readSmallFile(ref.file, 'token', secretsDir)).split(/\r?\n/)[0]?.trim();
    if (!value) throw new DocentError('invalid_input', `The token file ${ref.file} is empty.`);
    return value;
  }
  if (ref.keyFile) {
    const text = await readSmallFile(ref.keyFile, 'key', secretsDir);
    let key: unknown;
    try {
      key = JSON.parse(text);
    } catch {
      key = undefined;
    }
    if (typeof key !== 'object' || key === null || Array.isArray(key))
      throw new DocentError('invalid_input', `The key file ${ref.keyFile} is not a JSON object.`);
    return text;
  }
  return undefined;
}

async function readSmallFile(file: string, what: 'token' | 'key', secretsDir: string): Promise<string> {
  let real: string;
  try {
    real = await realpath(file);
  } catch (error) {
    throw new DocentError(
      'invalid_input',
      `The ${what} file ${file} cannot be read (${(error as Error).message}).`,
    );
  }
  // A link inside the directory may point anywhere: where it leads must be inside too.
  if (!isInside(await realpath(secretsDir).catch(() => secretsDir), real))
    throw new DocentError('invalid_input', `The ${what} file ${file} leads outside SOURCE_SECRETS_DIR.`);
  try {
    const bytes = await readFile(real);
    if (bytes.length > MAX_SECRET_BYTES) throw new Error(`too large for a ${what}`);
    return bytes.toString('utf8');
  } catch (error) {
    throw new DocentError(
      'invalid_input',
      `The ${what} file ${file} cannot be read (${(error as Error).message}).`,
    );
  }
}
