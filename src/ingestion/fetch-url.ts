import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { IngestError } from '../core/errors.js';
import { tooLarge } from '../core/ingest-document.js';
import type { UrlDownloadOptions } from '../core/ports/url-download.js';
import { guardedLookup, isPrivateHost, PrivateAddressError, type Resolver } from './address-policy.js';

const TIMEOUT_MS = 30_000;
const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export interface FetchUrlOptions extends UrlDownloadOptions {
  /** How host names are resolved before connecting; tests give their own. */
  resolve?: Resolver;
  timeoutMs?: number;
}

/** A response whose body is not read yet: its status, headers and where redirects led. */
export interface OpenedUrl {
  status: number;
  /** The address the response came from, after redirects. */
  url: string;
  header(name: string): string | undefined;
  /** The body, refused as soon as it grows past `maxBytes`. */
  read(maxBytes: number): Promise<Uint8Array>;
  /** Drops the body unread. */
  discard(): void;
}

/**
 * Downloads a document, refusing it as soon as it grows past the limit rather than after.
 * Redirects are followed one hop at a time so that every hop is checked: only http(s), and,
 * unless allowed, no private address, whether named directly or reached through DNS.
 */
export function fetchUrl(
  url: string,
  options: FetchUrlOptions = {},
): (maxBytes: number) => Promise<Uint8Array> {
  return async (maxBytes) => {
    const opened = await openUrl(url, options);
    const { status } = opened;
    if (status < 200 || status > 299) {
      opened.discard();
      throw new IngestError('unreadable', `${url}: the server answered ${status}.`, {
        transient: status === 429 || status >= 500,
      });
    }
    return opened.read(maxBytes);
  };
}

/**
 * Opens a URL under the same rules as fetchUrl and answers whatever status the server gives
 * (a 304 to a conditional request, a 404), leaving the body to be read within a limit or dropped.
 */
export async function openUrl(url: string, options: FetchUrlOptions = {}): Promise<OpenedUrl> {
  const signal = AbortSignal.timeout(options.timeoutMs ?? TIMEOUT_MS);
  let response: IncomingMessage;
  let finalUrl: string;
  try {
    ({ response, url: finalUrl } = await openFollowingRedirects(url, options, signal));
  } catch (error) {
    throw asIngestError(url, error);
  }
  return {
    status: response.statusCode ?? 0,
    url: finalUrl,
    header: (name) => {
      const value = response.headers[name.toLowerCase()];
      return Array.isArray(value) ? value[0] : value;
    },
    discard: () => response.resume(),
    read: (maxBytes) => readBody(url, response, maxBytes),
  };
}

async function readBody(url: string, response: IncomingMessage, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(response.headers['content-length'] ?? 0);
  if (declared > maxBytes) {
    response.destroy();
    throw tooLarge(url, declared, maxBytes);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of response as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) {
        response.destroy();
        throw tooLarge(url, size, maxBytes);
      }
      chunks.push(chunk);
    }
  } catch (error) {
    throw asIngestError(url, error);
  }
  return Buffer.concat(chunks);
}

async function openFollowingRedirects(
  url: string,
  options: FetchUrlOptions,
  signal: AbortSignal,
): Promise<{ response: IncomingMessage; url: string }> {
  const first = new URL(url);
  const trusted = new Set(options.trustedOrigins ?? []);
  let target = first;
  for (let redirects = 0; ; redirects++) {
    if (target.protocol !== 'http:' && target.protocol !== 'https:')
      throw new IngestError(
        'invalid_input',
        `${url}: only http and https links are fetched, not ${target.protocol.slice(0, -1)}.`,
      );
    const checked = !options.allowPrivate && !trusted.has(target.origin);
    if (checked && isPrivateHost(target.hostname)) throw new PrivateAddressError(target.hostname);
    const response = await get(target, {
      headers: target.origin === first.origin ? (options.headers ?? {}) : {},
      lookup: guardedLookup(options.resolve, checked),
      signal,
    });
    const location = response.headers.location;
    if (!REDIRECT_STATUSES.has(response.statusCode ?? 0) || !location) return { response, url: target.href };
    response.resume();
    if (redirects === MAX_REDIRECTS)
      throw new IngestError('unreadable', `${url}: it redirects more than ${MAX_REDIRECTS} times.`);
    target = new URL(location, target);
  }
}

function get(
  target: URL,
  options: { headers: Record<string, string>; lookup: LookupFunction; signal: AbortSignal },
): Promise<IncomingMessage> {
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    // A fresh connection each time: a pooled one may have been opened under another policy.
    const request = send(target, { ...options, method: 'GET', agent: false }, resolve);
    request.on('error', reject);
    request.end();
  });
}

function asIngestError(url: string, error: unknown): IngestError {
  if (error instanceof IngestError) return error;
  if (error instanceof PrivateAddressError) {
    const what = isIP(error.host.replace(/^\[|\]$/g, '')) ? 'is' : 'resolves to';
    return new IngestError(
      'invalid_input',
      `${url}: ${error.host} ${what} a private address; set ALLOW_PRIVATE_URLS=true to allow intranet URLs.`,
    );
  }
  return new IngestError('unreadable', `${url}: could not be downloaded (${(error as Error).message}).`, {
    cause: error,
    transient: true,
  });
}
