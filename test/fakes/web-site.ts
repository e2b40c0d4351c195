import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakePage {
  title: string;
  body: string;
  /** Left out of the sitemap (still served, and found by links). */
  unlisted?: boolean;
}

export interface SiteRequest {
  path: string;
  status: number;
  conditional: boolean;
  authorization?: string;
  /** When the request arrived (ms since the epoch). */
  at: number;
}

/**
 * A static site on 127.0.0.1: pages under /docs/, a sitemap of them, robots.txt, ETags and
 * 304s, a menu and footer on every page, and pages that can be made to fail.
 */
export class FakeWebSite {
  readonly pages = new Map<string, FakePage>();
  readonly failing = new Set<string>();
  readonly requests: SiteRequest[] = [];
  robots = 'User-agent: *\nAllow: /\n';
  /** Every page's menu links to every page; a large site turns it off, or each page would list them all. */
  menuLinksAll = true;
  private server?: Server;
  private origin = '';

  get url(): string {
    return this.origin;
  }

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      const path = new URL(request.url ?? '/', 'http://x').pathname;
      const conditional = request.headers['if-none-match'] !== undefined;
      const send = (status: number, body = '', headers: Record<string, string> = {}) => {
        this.requests.push({
          path,
          status,
          conditional,
          authorization: request.headers.authorization,
          at: Date.now(),
        });
        response.writeHead(status, headers).end(body);
      };
      if (this.failing.has(path)) return send(500, 'boom');
      if (path === '/robots.txt') return send(200, this.robots, { 'content-type': 'text/plain' });
      if (path === '/docs/sitemap.xml')
        return send(200, this.sitemap(), { 'content-type': 'application/xml' });
      if (path === '/docs/sitemap-index.xml')
        return send(200, this.sitemapIndex(), { 'content-type': 'application/xml' });
      const page = this.pages.get(path);
      if (!page) return send(404, 'not found');
      const html = this.render(page);
      const etag = `"${createHash('sha1').update(html).digest('hex').slice(0, 16)}"`;
      if (request.headers['if-none-match'] === etag) return send(304, '', { etag });
      send(200, html, { 'content-type': 'text/html; charset=utf-8', etag });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  /** Requests to pages since the last call (not robots.txt nor the sitemap). */
  takePageRequests(): SiteRequest[] {
    const taken = this.requests.splice(0);
    return taken.filter((r) => r.path !== '/robots.txt' && !r.path.endsWith('.xml'));
  }

  private sitemap(): string {
    const urls = [...this.pages]
      .filter(([, page]) => !page.unlisted)
      .map(([path]) => `<url><loc>${this.origin}${path}</loc></url>`);
    return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${urls.join('')}</urlset>`;
  }

  /** An index naming the sitemap, and one on another site that must not be followed. */
  private sitemapIndex(): string {
    const sitemaps = [`${this.origin}/docs/sitemap.xml`, 'http://elsewhere.invalid/sitemap.xml'];
    const entries = sitemaps.map((loc) => `<sitemap><loc>${loc}</loc></sitemap>`).join('');
    return `<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${entries}</sitemapindex>`;
  }

  private render(page: FakePage): string {
    const linked = this.menuLinksAll ? [...this.pages.keys()] : [];
    const links = linked.map((p) => `<li><a href="${p}">${p}</a></li>`).join('');
    return `<!doctype html><html><head><title>${page.title}</title></head><body>
<nav><ul><li><a href="/docs/">Home</a></li>${links}</ul><p>Site menu: Products Pricing Careers</p></nav>
<main><article><h1>${page.title}</h1>${page.body
      .split('\n\n')
      .map((p) => `<p>${p}</p>`)
      .join('')}</article></main>
<footer><p>Copyright Example Corp. All rights reserved. Cookie settings.</p></footer></body></html>`;
  }
}

/** A page of a few paragraphs around one fact, long enough for Readability to see an article. */
export function pageAbout(title: string, fact: string): FakePage {
  const filler =
    'This page belongs to the team handbook and is kept up to date by the platform group. Ask in the help channel when something here is unclear.';
  return { title, body: `${fact}\n\n${filler}\n\n${filler} ${title} is reviewed every quarter.` };
}
