import path from 'node:path';
import { DocentError } from './errors.js';
import type { SecretRef } from './ports/source-store.js';

/**
 * Where a source may read its credentials. Whoever adds a source (the admin API's token holder)
 * chooses where its token is read and which site it is sent to, so the places it may name are
 * fenced off from Docent's own secrets: environment variables named for sources only, and files
 * in one directory the operator fills for them.
 */
export const SOURCE_SECRET_ENV_PREFIX = 'DOCENT_SOURCE_';
const SOURCE_SECRET_ENV = /^DOCENT_SOURCE_[A-Z0-9_]{1,100}$/;

/** Throws a DocentError saying why when `ref` names a place a source may not read. */
export function checkSecretRef(ref: SecretRef | undefined, secretsDir: string): void {
  if (!ref) return;
  if (ref.env !== undefined && !SOURCE_SECRET_ENV.test(ref.env))
    throw new DocentError(
      'invalid_input',
      `A source reads its token from an environment variable named ${SOURCE_SECRET_ENV_PREFIX}… (such as ${SOURCE_SECRET_ENV_PREFIX}GITHUB_TOKEN), not from "${ref.env}".`,
    );
  for (const file of [ref.file, ref.keyFile])
    if (file !== undefined && !isInside(secretsDir, file))
      throw new DocentError(
        'invalid_input',
        `A source reads its credentials from files in SOURCE_SECRETS_DIR (${secretsDir}), and ${file} is not there.`,
      );
}

/** Whether `file`, made absolute, lies under `dir` (lexically: symbolic links are checked on reading). */
export function isInside(dir: string, file: string): boolean {
  const relative = path.relative(path.resolve(dir), path.resolve(file));
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}
