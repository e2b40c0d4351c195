import { DOMParser } from 'linkedom';
import { IngestError } from '../../core/errors.js';
import type { WebFetch } from './web-fetch.js';

// A sitemap index may list sitemaps, which list pages; deeper nesting is not in the protocol.
const MAX_SITEMAPS = 100;

/**
 * Every page URL a sitemap (or a sitemap index, one level down) lists, in order, without
 * duplicates, up to `limit`. Throws when any sitemap cannot be read: a partial list would make
 * the pages it misses look deleted.
 */
export async function sitemapUrls(
  sitemapUrl: string,
  fetch: WebFetch,
  options: { maxBytes: number; limit: number; inScope: (url: string) => boolean },
): Promise<string[]> {
  const pages = new Set<string>();
  const queue = [{ url: sitemapUrl, depth: 0 }];
  let read = 0;
  for (let next = queue.shift(); next && pages.size < options.limit; next = queue.shift()) {
    if (++read > MAX_SITEMAPS)
      throw new IngestError('too_large', `${sitemapUrl}: more than ${MAX_SITEMAPS} sitemaps.`);
    const { sitemaps, urls } = await readSitemap(next.url, fetch, options.maxBytes);
    for (const url of urls) if (options.inScope(url) && pages.size < options.limit) pages.add(url);
    if (next.depth === 0) for (const url of sitemaps) if (options.inScope(url)) queue.push({ url, depth: 1 });
  }
  return [...pages];
}

async function readSitemap(url: string, fetch: WebFetch, maxBytes: number) {
  const opened = await fetch(url, {});
  if (opened.status < 200 || opened.status > 299) {
    opened.discard();
    throw new IngestError('unreadable', `${url}: the server answered ${opened.status}; nothing was read.`);
  }
  const xml = new TextDecoder().decode(await opened.read(maxBytes));
  const document = new DOMParser().parseFromString(xml, 'text/xml');
  const root = document.documentElement?.localName;
  if (root !== 'urlset' && root !== 'sitemapindex')
    throw new IngestError('unreadable', `${url}: not a sitemap (no <urlset> or <sitemapindex>).`);
  const locations = [...document.querySelectorAll('loc')]
    .map((loc) => absolute(loc.textContent?.trim() ?? '', url))
    .filter((u): u is string => u !== undefined);
  return root === 'urlset' ? { urls: locations, sitemaps: [] } : { urls: [], sitemaps: locations };
}

/** An http(s) address without its fragment, or undefined. */
export function absolute(href: string, base: string): string | undefined {
  if (!URL.canParse(href, base)) return undefined;
  const url = new URL(href, base);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  url.hash = '';
  return url.href;
}
