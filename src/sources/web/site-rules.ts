import robotsModule from 'robots-parser';
import { IngestError } from '../../core/errors.js';
import type { WebFetch } from './web-fetch.js';

interface Robots {
  isAllowed(url: string, ua?: string): boolean | undefined;
  getCrawlDelay(ua?: string): number | undefined;
}
// A CommonJS module whose one export is the parser; its typings declare it as an ES default export.
const robotsParser = robotsModule as unknown as (url: string, text: string) => Robots;

const ROBOTS_MAX_BYTES = 512 * 1024;
// A Crawl-delay asking for more than this is honoured up to it: beyond, a site could not be synced.
const MAX_CRAWL_DELAY_MS = 30_000;

/** What a site lets Docent read: its host and path prefix, less what its robots.txt forbids. */
export class SiteRules {
  private constructor(
    readonly origin: string,
    readonly prefix: string,
    private readonly robots: Robots | undefined,
    private readonly userAgent: string,
    readonly crawlDelayMs: number,
  ) {}

  /**
   * Reads robots.txt: absent (4xx) allows everything; a server error or no answer stops the sync,
   * since reading on might go where the site forbids.
   */
  static async load(target: URL, fetch: WebFetch, userAgent: string): Promise<SiteRules> {
    const prefix = target.pathname.slice(0, target.pathname.lastIndexOf('/') + 1);
    const robotsUrl = new URL('/robots.txt', target.origin).href;
    const opened = await fetch(robotsUrl, {});
    if (opened.status >= 400 && opened.status < 500) {
      opened.discard();
      return new SiteRules(target.origin, prefix, undefined, userAgent, 0);
    }
    if (opened.status < 200 || opened.status > 299) {
      opened.discard();
      throw new IngestError(
        'unreadable',
        `${robotsUrl}: the server answered ${opened.status}; nothing was read.`,
      );
    }
    const text = new TextDecoder().decode(await opened.read(ROBOTS_MAX_BYTES));
    const robots = robotsParser(robotsUrl, text);
    const delay = Math.min((robots.getCrawlDelay(userAgent) ?? 0) * 1000, MAX_CRAWL_DELAY_MS);
    return new SiteRules(target.origin, prefix, robots, userAgent, delay);
  }

  /** On the site, under the prefix; a URL outside is not the source's, wherever it was found. */
  inScope(url: string): boolean {
    const parsed = URL.canParse(url) ? new URL(url) : undefined;
    return parsed?.origin === this.origin && parsed.pathname.startsWith(this.prefix);
  }

  allowed(url: string): boolean {
    return this.inScope(url) && this.robots?.isAllowed(url, this.userAgent) !== false;
  }
}
