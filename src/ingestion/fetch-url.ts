import { IngestError } from '../errors.js';
import { tooLarge } from './pipeline.js';

const TIMEOUT_MS = 30_000;

/** Downloads a document, refusing it as soon as it grows past the limit rather than after. */
export function fetchUrl(
  url: string,
  headers: Record<string, string> = {},
): (maxBytes: number) => Promise<Uint8Array> {
  return async (maxBytes) => {
    let response: Response;
    try {
      response = await fetch(url, { headers, redirect: 'follow', signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (error) {
      throw new IngestError('unreadable', `${url}: could not be downloaded (${(error as Error).message}).`, {
        cause: error,
        transient: true,
      });
    }
    if (!response.ok || !response.body) {
      throw new IngestError(
        'unreadable',
        `${url}: the server answered ${response.status} ${response.statusText}.`,
        { transient: response.status === 429 || response.status >= 500 },
      );
    }
    const declared = Number(response.headers.get('content-length') ?? 0);
    if (declared > maxBytes) {
      await response.body.cancel();
      throw tooLarge(url, declared, maxBytes);
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of response.body) {
      size += chunk.length;
      if (size > maxBytes) throw tooLarge(url, size, maxBytes);
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  };
}
