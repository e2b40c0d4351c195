import type { JWT } from 'google-auth-library';
import { DocentError } from '../../core/errors.js';

/** Where google-auth-library sends a service account's signed assertion, whatever its key says. */
const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
const DRIVE_READONLY = 'https://www.googleapis.com/auth/drive.readonly';

interface ServiceAccountKey {
  type?: unknown;
  client_email?: unknown;
  private_key?: unknown;
  token_uri?: unknown;
}

/**
 * A client signed in as the service account of a key file's JSON, allowed to read Drive only. The
 * private key signs an assertion here and never leaves; the assertion goes to the key's
 * `token_uri` (Google's own for a key Google issued), which the library would otherwise ignore.
 */
export async function serviceAccountClient(keyJson: string): Promise<JWT> {
  let key: ServiceAccountKey;
  try {
    key = JSON.parse(keyJson) as ServiceAccountKey;
  } catch {
    throw new DocentError('invalid_input', 'The key file is not JSON.');
  }
  if (
    key.type !== 'service_account' ||
    typeof key.client_email !== 'string' ||
    typeof key.private_key !== 'string'
  )
    throw new DocentError(
      'invalid_input',
      "The key file is not a service account's key: create one in the Google Cloud console (IAM, Service accounts, Keys, JSON).",
    );
  const tokenUri = typeof key.token_uri === 'string' ? key.token_uri : GOOGLE_TOKEN_URL;
  if (!URL.canParse(tokenUri) || !/^https?:$/.test(new URL(tokenUri).protocol))
    throw new DocentError('invalid_input', "The key file's token_uri is not an http(s) address.");
  const { JWT } = await import('google-auth-library');
  const client = new JWT({ email: key.client_email, key: key.private_key, scopes: [DRIVE_READONLY] });
  if (tokenUri !== GOOGLE_TOKEN_URL)
    client.transporter.interceptors.request.add({
      resolved: async (request) => {
        if (request.url.href === GOOGLE_TOKEN_URL) request.url = new URL(tokenUri);
        return request;
      },
    });
  return client;
}
