import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeConfluencePage {
  title: string;
  /** Storage format (XHTML). */
  body: string;
  parentId?: string;
}

export interface ConfluenceRequest {
  path: string;
  status: number;
  authorization?: string;
  host?: string;
}

type StoredPage = FakeConfluencePage & { version: number; createdAt: string };

/**
 * Confluence Cloud's REST API v2 on 127.0.0.1, as much of it as a space's reader uses: the space by
 * key, its current pages by cursor (without bodies), and one page with its storage body. Requests
 * need the Basic credentials it was given; pages can be made to fail.
 */
export class FakeConfluence {
  readonly spaceKey = 'ENG';
  readonly spaceId = '98304';
  readonly requests: ConfluenceRequest[] = [];
  readonly failing = new Set<string>();
  /** Pages per listing response, small so that the cursor is followed. */
  pageSize = 2;
  private readonly pages = new Map<string, StoredPage>();
  private server?: Server;
  private origin = '';

  constructor(private readonly credentials: { email: string; token: string }) {}

  get url(): string {
    return this.origin;
  }

  /** Adds or edits a page: each edit is a new version. */
  setPage(id: string, page: FakeConfluencePage): void {
    const version = (this.pages.get(id)?.version ?? 0) + 1;
    this.pages.set(id, {
      ...page,
      version,
      createdAt: new Date(Date.UTC(2026, 11, 1, 0, version)).toISOString(),
    });
  }

  deletePage(id: string): void {
    this.pages.delete(id);
  }

  /** Requests since the last call. */
  take(): ConfluenceRequest[] {
    return this.requests.splice(0);
  }

  async start(): Promise<this> {
    const expected = `Basic ${Buffer.from(`${this.credentials.email}:${this.credentials.token}`).toString('base64')}`;
    this.server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://x');
      const send = (status: number, body: unknown) => {
        this.requests.push({
          path: url.pathname,
          status,
          authorization: request.headers.authorization,
          host: request.headers.host,
        });
        response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      };
      if (request.headers.authorization !== expected) return send(401, { message: 'Unauthorized' });
      const api = '/wiki/api/v2';
      if (url.pathname === `${api}/spaces`) {
        const keys = (url.searchParams.get('keys') ?? '').split(',');
        const results = keys.includes(this.spaceKey)
          ? [{ id: this.spaceId, key: this.spaceKey, name: 'Engineering' }]
          : [];
        return send(200, { results, _links: { base: `${this.origin}/wiki` } });
      }
      if (url.pathname === `${api}/spaces/${this.spaceId}/pages`) return send(200, this.listing(url));
      const pageMatch = new RegExp(`^${api}/pages/([^/]+)$`).exec(url.pathname);
      if (pageMatch) {
        const id = decodeURIComponent(pageMatch[1] as string);
        if (this.failing.has(id)) return send(500, { message: 'boom' });
        const page = this.pages.get(id);
        if (!page) return send(404, { message: 'Not found' });
        if (url.searchParams.get('body-format') !== 'storage') return send(400, { message: 'body-format' });
        return send(200, {
          ...this.listed(id, page),
          body: { storage: { value: page.body, representation: 'storage' } },
        });
      }
      send(404, { message: 'Not found' });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private listing(url: URL) {
    const ids = [...this.pages.keys()].sort();
    const start = Number(url.searchParams.get('cursor') ?? 0);
    const slice = ids.slice(start, start + this.pageSize);
    const more = start + this.pageSize < ids.length;
    return {
      results: slice.map((id) => this.listed(id, this.pages.get(id) as StoredPage)),
      _links: {
        base: `${this.origin}/wiki`,
        ...(more
          ? {
              next: `/wiki/api/v2/spaces/${this.spaceId}/pages?status=current&limit=250&cursor=${start + this.pageSize}`,
            }
          : {}),
      },
    };
  }

  private listed(id: string, page: StoredPage) {
    return {
      id,
      status: 'current',
      title: page.title,
      spaceId: this.spaceId,
      parentId: page.parentId ?? null,
      parentType: page.parentId ? 'page' : null,
      version: { number: page.version, createdAt: page.createdAt },
      _links: {
        webui: `/spaces/${this.spaceKey}/pages/${id}/${encodeURIComponent(page.title).replace(/%20/g, '+')}`,
      },
    };
  }
}
