import { createHash } from 'node:crypto';
import { DocentError, describeError } from '../../core/errors.js';
import type { SourceKind, SourceReadContext } from '../../core/ports/source-kind.js';
import { isPrivateHost } from '../../ingestion/address-policy.js';
import { eachConcurrently } from '../web/host-pacer.js';
import { ConfluenceApi, ConfluenceStatusError, type ListedPage } from './confluence-api.js';
import { ancestry, storageToHtml } from './storage-html.js';

export interface ConfluenceSourceOptions {
  /** ALLOW_PRIVATE_URLS: a self-hosted address may be read. */
  allowPrivate: boolean;
  /** Pages read when the source does not set its own `maxPages`. */
  maxPages: number;
  /** Largest page or listing read. */
  maxBytes: number;
  /** Page bodies requested at once. */
  concurrency?: number;
  timeoutMs?: number;
}

const SPACE_KEY = /^~?[A-Za-z0-9_-]{1,255}$/;

/**
 * `confluence`: the current pages of a Confluence Cloud space, by an account's email and API token.
 * The listing gives every page's version without its body, so an unchanged page costs no request
 * of its own; a changed one is read in storage format and indexed under its ancestors' titles.
 */
export function confluenceSource(options: ConfluenceSourceOptions): SourceKind {
  return {
    kind: 'confluence',
    checkTarget: (target) => spaceTarget(target, options.allowPrivate).href,
    read: (context) => readSpace(context, options),
  };
}

/**
 * `https://site.atlassian.net/wiki/spaces/KEY` (any address inside the space will do), or the site
 * and the key, `site.atlassian.net/KEY`; stored as the space's address.
 */
function spaceTarget(target: string, allowPrivate: boolean): URL & { key: string } {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(target) ? target : `https://${target}`;
  const url = URL.canParse(withScheme) ? new URL(withScheme) : undefined;
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:'))
    throw new DocentError('invalid_input', `"${target}" is not a Confluence space's address.`);
  if (url.username || url.password)
    throw new DocentError(
      'invalid_input',
      'Put no credentials in the address: give --email and name the API token with --token-env or --token-file.',
    );
  if (!allowPrivate && (url.protocol !== 'https:' || isPrivateHost(url.hostname)))
    throw new DocentError(
      'invalid_input',
      `${url.host} is not a public https address; set ALLOW_PRIVATE_URLS=true to read a private one.`,
    );
  const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const key =
    segments[0] === 'wiki' && segments[1] === 'spaces'
      ? segments[2]
      : segments.length === 1
        ? segments[0]
        : undefined;
  if (!key || !SPACE_KEY.test(key))
    throw new DocentError(
      'invalid_input',
      `"${target}" names no space: use https://yoursite.atlassian.net/wiki/spaces/KEY or yoursite.atlassian.net/KEY.`,
    );
  return Object.assign(new URL(`/wiki/spaces/${encodeURIComponent(key)}`, url.origin), { key });
}

async function readSpace(context: SourceReadContext, options: ConfluenceSourceOptions): Promise<void> {
  const { source } = context;
  const space = spaceTarget(source.target, options.allowPrivate);
  const email = source.settings.email;
  if (typeof email !== 'string' || !email)
    throw new DocentError('invalid_input', "A confluence source needs the account's email (--email).");
  if (!context.secret)
    throw new DocentError(
      'invalid_input',
      'A confluence source needs an API token: name it with --token-env or --token-file.',
    );
  const api = new ConfluenceApi({
    origin: space.origin,
    email,
    token: context.secret,
    allowPrivate: options.allowPrivate,
    maxBytes: options.maxBytes,
    timeoutMs: options.timeoutMs,
  });
  const maxPages = Number(source.settings.maxPages ?? options.maxPages);
  const listed = await api.pages(await api.spaceId(space.key), maxPages);
  const byId = new Map(listed.map((page) => [page.id, page]));
  await eachConcurrently([...listed], options.concurrency ?? 4, async (page) => {
    const path = ancestry(page.id, byId);
    const key = webLink(space.origin, space.key, page);
    // The version changes with the page; its place (the ancestors' titles) changes without it.
    const fingerprint = `v${page.version?.number ?? 0}:${createHash('sha1').update(path.join('\n')).digest('hex').slice(0, 12)}`;
    const previous = context.previous.get(key);
    if (previous?.etag === fingerprint) {
      await context.emit({ key, status: 'unchanged', item: previous });
      return;
    }
    try {
      const read = await api.page(page.id);
      const html = storageToHtml(path, read.body?.storage?.value ?? '');
      await context.emit({
        key,
        status: 'fetched',
        item: { key, etag: fingerprint, lastModified: read.version?.createdAt ?? page.version?.createdAt },
        bytes: new TextEncoder().encode(html),
      });
    } catch (error) {
      // Deleted between the listing and now.
      if (error instanceof ConfluenceStatusError && error.status === 404)
        await context.emit({ key, status: 'gone' });
      else await context.emit({ key, status: 'failed', error: describeError(error) });
    }
  });
}

/** The page's address for people: its web link on the site, which answers cite. */
function webLink(origin: string, spaceKey: string, page: ListedPage): string {
  const webui = page._links?.webui;
  if (webui?.startsWith('/')) return new URL(`/wiki${webui}`, origin).href;
  return `${origin}/wiki/spaces/${encodeURIComponent(spaceKey)}/pages/${encodeURIComponent(page.id)}`;
}
