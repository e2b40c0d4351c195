import { DocentError, describeError } from '../../core/errors.js';
import type { SourceEntry, SourceKind, SourceReadContext } from '../../core/ports/source-kind.js';
import type { SourceItem } from '../../core/ports/source-store.js';
import { isPrivateHost } from '../../ingestion/address-policy.js';
import { openUrl } from '../../ingestion/fetch-url.js';
import { eachConcurrently, HostPacer } from './host-pacer.js';
import { readablePage } from './readable-page.js';
import { SiteRules } from './site-rules.js';
import { sitemapUrls } from './sitemap.js';
import type { WebFetch } from './web-fetch.js';

export interface WebSourceOptions {
  /** ALLOW_PRIVATE_URLS: intranet sites may be read. */
  allowPrivate: boolean;
  /** Requests in flight to the site at once. */
  concurrency: number;
  /** Least time between two requests' starts; a robots.txt Crawl-delay may ask for more. */
  intervalMs: number;
  /** Pages read when the source does not set its own `maxPages`. */
  maxPages: number;
  /** Largest page or sitemap read. */
  maxBytes: number;
  timeoutMs?: number;
}

export const WEB_USER_AGENT = 'DocentBot/0.1';

type PageRead = { entry: SourceEntry; links: string[] };

/**
 * `web`: a site's pages, listed by its sitemap (a target ending in .xml; sitemap indexes too) or
 * found by following links from a start page, within the target's host and path prefix and what
 * robots.txt allows. Each page is asked for conditionally (ETag, Last-Modified), and its main
 * content is what gets indexed.
 */
export function webSource(options: WebSourceOptions): SourceKind {
  return {
    kind: 'web',
    checkTarget(target) {
      const url = URL.canParse(target) ? new URL(target) : undefined;
      if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:'))
        throw new DocentError('invalid_input', `"${target}" is not an http(s) address.`);
      if (url.username || url.password)
        throw new DocentError(
          'invalid_input',
          'Put no credentials in the address: name a token with --token-env or --token-file.',
        );
      if (!options.allowPrivate && isPrivateHost(url.hostname))
        throw new DocentError(
          'invalid_input',
          `${url.hostname} is a private address; set ALLOW_PRIVATE_URLS=true to allow intranet sites.`,
        );
      url.hash = '';
      return url.href;
    },
    read: (context) => readSite(context, options),
  };
}

async function readSite(context: SourceReadContext, options: WebSourceOptions): Promise<void> {
  const target = new URL(context.source.target);
  const maxPages = Number(context.source.settings.maxPages ?? options.maxPages);
  const pacer = new HostPacer(options.concurrency, options.intervalMs);
  const usual: Record<string, string> = { 'user-agent': WEB_USER_AGENT };
  // Sent to the site's own origin only: fetch-url drops it on a redirect elsewhere.
  if (context.secret) usual.authorization = `Bearer ${context.secret}`;
  const fetch: WebFetch = (url, headers) =>
    pacer.run(() =>
      openUrl(url, {
        headers: { ...usual, ...headers },
        allowPrivate: options.allowPrivate,
        timeoutMs: options.timeoutMs,
      }),
    );
  const rules = await SiteRules.load(target, fetch, WEB_USER_AGENT);
  pacer.slowTo(rules.crawlDelayMs);
  const visit = async (url: string): Promise<string[]> => {
    if (!rules.allowed(url)) {
      await context.emit({ key: url, status: 'gone' });
      return [];
    }
    const { entry, links } = await readPage(url, context.previous.get(url), fetch, rules, options.maxBytes);
    await context.emit(entry);
    return links;
  };

  if (target.pathname.endsWith('.xml')) {
    const inScope = (url: string) => rules.inScope(url);
    const pages = await sitemapUrls(target.href, fetch, {
      maxBytes: options.maxBytes,
      limit: maxPages,
      inScope,
    });
    await eachConcurrently(pages, options.concurrency, async (url) => {
      await visit(url);
    });
    return;
  }
  const queue = [target.href];
  const queued = new Set(queue);
  await eachConcurrently(queue, options.concurrency, async (url) => {
    for (const link of await visit(url)) {
      if (queued.size >= maxPages || queued.has(link) || !rules.allowed(link)) continue;
      queued.add(link);
      queue.push(link);
    }
  });
}

/**
 * One page, asked for conditionally. A redirect elsewhere on the site counts as the page gone and
 * its new address found; a page that cannot be read keeps the links it had, so the pages found
 * through it are not taken for deleted.
 */
async function readPage(
  url: string,
  previous: SourceItem | undefined,
  fetch: WebFetch,
  rules: SiteRules,
  maxBytes: number,
): Promise<PageRead> {
  const failed = (error: string): PageRead => ({
    entry: { key: url, status: 'failed', error },
    links: previous?.links ?? [],
  });
  const conditions: Record<string, string> = {};
  if (previous?.etag) conditions['if-none-match'] = previous.etag;
  if (previous?.lastModified) conditions['if-modified-since'] = previous.lastModified;
  try {
    const opened = await fetch(url, conditions);
    if (opened.url !== url) {
      opened.discard();
      return { entry: { key: url, status: 'gone' }, links: [opened.url] };
    }
    if (opened.status === 304 && previous) {
      opened.discard();
      return { entry: { key: url, status: 'unchanged', item: previous }, links: previous.links ?? [] };
    }
    if (opened.status === 404 || opened.status === 410) {
      opened.discard();
      return { entry: { key: url, status: 'gone' }, links: [] };
    }
    if (opened.status < 200 || opened.status > 299) {
      opened.discard();
      return failed(`${url}: the server answered ${opened.status}.`);
    }
    const body = await opened.read(maxBytes);
    const item: SourceItem = {
      key: url,
      etag: opened.header('etag'),
      lastModified: opened.header('last-modified'),
    };
    if (!/html/i.test(opened.header('content-type') ?? 'text/html'))
      return { entry: { key: url, status: 'fetched', item, bytes: body }, links: [] };
    const page = readablePage(new TextDecoder().decode(body), url);
    const links = page.links.filter((link) => rules.inScope(link));
    return {
      entry: {
        key: url,
        status: 'fetched',
        item: { ...item, links },
        bytes: new TextEncoder().encode(page.html),
      },
      links,
    };
  } catch (error) {
    return failed(describeError(error));
  }
}
