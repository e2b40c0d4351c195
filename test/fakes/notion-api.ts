import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApiRequest } from './github-api.js';

type Block = Record<string, unknown> & { id: string; type: string; has_children: boolean };

export interface FakeNotionPage {
  id: string;
  title: string;
  blocks: Block[];
  /** The page or database it sits in. */
  parent?: string;
  edited: string;
  trashed?: boolean;
  /** Not shared with the integration: 404. */
  hidden?: boolean;
}

const rich = (text: string) => [{ type: 'text', plain_text: text, text: { content: text } }];
const block = (type: string, content: Record<string, unknown>, children?: Block[]): Block => ({
  object: 'block',
  id: randomUUID(),
  type,
  has_children: Boolean(children?.length),
  [type]: content,
  ...(children ? { children } : {}),
});
export const paragraph = (text: string) => block('paragraph', { rich_text: rich(text) });
export const heading = (text: string) => block('heading_2', { rich_text: rich(text) });
export const todo = (text: string, checked: boolean) => block('to_do', { rich_text: rich(text), checked });
export const code = (text: string) => block('code', { rich_text: rich(text), language: 'bash' });
export const bullet = (text: string, children?: Block[]) =>
  block('bulleted_list_item', { rich_text: rich(text) }, children);
export const table = (rows: string[][]) =>
  block(
    'table',
    { table_width: rows[0]?.length ?? 0 },
    rows.map((cells) => block('table_row', { cells: cells.map(rich) })),
  );

const error = (status: number, code: string) => ({ object: 'error', status, code, message: code });
// Notion rounds last_edited_time to the minute.
const minute = (ms: number) => new Date(Math.floor(ms / 60_000) * 60_000).toISOString();

/**
 * Notion's API on 127.0.0.1 as far as a reader of shared pages goes: search, pages, block
 * children (child pages and databases listed as blocks), databases and their data source's rows,
 * with cursors. Pages can be made to fail (500) and the next requests to be rate limited (429).
 */
export class FakeNotionApi {
  readonly pages = new Map<string, FakeNotionPage>();
  readonly databases = new Map<string, { id: string; title: string; parent?: string }>();
  readonly failing = new Set<string>();
  readonly requests: ApiRequest[] = [];
  rateLimited = 0;
  pageSize = 100;
  /** When set, any other token is refused with 401. */
  token?: string;
  private server?: Server;
  private origin = '';

  get url(): string {
    return this.origin;
  }

  /** A page edited an hour ago, so a sync sees it settled. */
  add(title: string, blocks: Block[], parent?: string): FakeNotionPage {
    const page = { id: randomUUID(), title, blocks, parent, edited: minute(Date.now() - 3_600_000) };
    this.pages.set(page.id, page);
    return page;
  }

  addDatabase(title: string, parent?: string): string {
    const id = randomUUID();
    this.databases.set(id, { id, title, parent });
    return id;
  }

  edit(page: FakeNotionPage, blocks: Block[]): void {
    page.blocks = blocks;
    page.edited = minute(Date.now());
  }

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://x');
      const path = url.pathname;
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        const send = (status: number, json: unknown, headers: Record<string, string> = {}) => {
          this.requests.push({
            method: request.method ?? 'GET',
            path,
            status,
            authorization: request.headers.authorization,
            host: request.headers.host,
          });
          response
            .writeHead(status, { 'content-type': 'application/json', ...headers })
            .end(typeof json === 'string' ? json : JSON.stringify(json));
        };
        if (this.token && request.headers.authorization !== `Bearer ${this.token}`)
          return send(401, error(401, 'unauthorized'));
        if (this.rateLimited > 0) {
          this.rateLimited--;
          return send(429, error(429, 'rate_limited'), { 'retry-after': '1' });
        }
        const cursor = Number(
          url.searchParams.get('start_cursor') ?? JSON.parse(body || '{}').start_cursor ?? 0,
        );
        const list = (items: unknown[]) => {
          const slice = items.slice(cursor, cursor + this.pageSize);
          const more = cursor + this.pageSize < items.length;
          send(200, {
            object: 'list',
            results: slice,
            has_more: more,
            next_cursor: more ? String(cursor + this.pageSize) : null,
          });
        };
        const visible = [...this.pages.values()].filter((p) => !p.hidden);
        if (path === '/v1/search') return list(visible.map((p) => this.pageObject(p)));
        let match = /^\/v1\/pages\/([\w-]+)$/.exec(path);
        if (match) {
          const page = this.pages.get(match[1] as string);
          return page && !page.hidden
            ? send(200, this.pageObject(page))
            : send(404, error(404, 'object_not_found'));
        }
        match = /^\/v1\/blocks\/([\w-]+)\/children$/.exec(path);
        if (match) {
          const id = match[1] as string;
          // As a gateway in front of the API fails: not a Notion error, so the client does not retry it.
          if (this.failing.has(id))
            return send(500, '<html>Internal Server Error</html>', { 'content-type': 'text/html' });
          const page = this.pages.get(id);
          const blocks = page ? this.pageBlocks(page) : this.nestedBlocks(id);
          return blocks
            ? list(blocks.map(({ children: _, ...b }) => b))
            : send(404, error(404, 'object_not_found'));
        }
        match = /^\/v1\/databases\/([\w-]+)$/.exec(path);
        if (match && this.databases.has(match[1] as string))
          return send(200, {
            object: 'database',
            id: match[1],
            data_sources: [{ id: `ds-${match[1]}`, name: 'Rows' }],
          });
        match = /^\/v1\/data_sources\/ds-([\w-]+)\/query$/.exec(path);
        if (match) return list(visible.filter((p) => p.parent === match?.[1]).map((p) => this.pageObject(p)));
        send(404, error(404, 'object_not_found'));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  take(): ApiRequest[] {
    return this.requests.splice(0);
  }

  urlOf(page: FakeNotionPage): string {
    return `https://www.notion.so/${page.title.replace(/\W+/g, '-')}-${page.id.replace(/-/g, '')}`;
  }

  private pageObject(page: FakeNotionPage) {
    const parent =
      page.parent === undefined
        ? { type: 'workspace', workspace: true }
        : this.databases.has(page.parent)
          ? { type: 'database_id', database_id: page.parent }
          : { type: 'page_id', page_id: page.parent };
    return {
      object: 'page',
      id: page.id,
      url: this.urlOf(page),
      last_edited_time: page.edited,
      in_trash: Boolean(page.trashed),
      archived: Boolean(page.trashed),
      parent,
      properties: { Name: { id: 'title', type: 'title', title: rich(page.title) } },
    };
  }

  /** A page's own blocks, then its sub-pages and databases as child blocks (as Notion lists them). */
  private pageBlocks(page: FakeNotionPage): Block[] {
    const subPages = [...this.pages.values()]
      .filter((p) => p.parent === page.id)
      .map((p) => ({ ...block('child_page', { title: p.title }), id: p.id }));
    const subDatabases = [...this.databases.values()]
      .filter((d) => d.parent === page.id)
      .map((d) => ({ ...block('child_database', { title: d.title }), id: d.id }));
    return [...page.blocks, ...subPages, ...subDatabases];
  }

  private nestedBlocks(id: string): Block[] | undefined {
    const find = (blocks: Block[]): Block[] | undefined => {
      for (const b of blocks) {
        if (b.id === id) return (b.children as Block[]) ?? [];
        const inner = find((b.children as Block[]) ?? []);
        if (inner) return inner;
      }
      return undefined;
    };
    for (const page of this.pages.values()) {
      const found = find(page.blocks);
      if (found) return found;
    }
    return undefined;
  }
}
