import {
  APIErrorCode,
  Client,
  isFullPage,
  isNotionClientError,
  iteratePaginatedAPI,
  type PageObjectResponse,
} from '@notionhq/client';
import { DocentError } from '../../core/errors.js';
import type { SourceKind, SourceReadContext } from '../../core/ports/source-kind.js';
import type { SourceItem } from '../../core/ports/source-store.js';
import { eachConcurrently } from '../web/host-pacer.js';
import { readPage } from './notion-page.js';
import type { ChildLink } from './notion-text.js';

export interface NotionSourceOptions {
  /** Notion's API: https://api.notion.com. */
  apiUrl: string;
  /** Pages read when the source does not set its own `maxPages`. */
  maxPages: number;
  /** Largest page, as text. */
  maxBytes: number;
  /** First wait before the client retries a 429 without Retry-After, or a 5xx. */
  retryDelayMs?: number;
  timeoutMs?: number;
}

// Notion allows about three requests a second per integration; its client waits out a 429.
const CONCURRENCY = 3;
// last_edited_time is rounded to the minute: a page read within a minute of it is read again.
const EDIT_GRANULARITY_MS = 60_000;
const ID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

type Task =
  | { kind: 'page'; id: string }
  | { kind: 'database'; id: string }
  | { kind: 'found'; page: PageObjectResponse };

const dashed = (id: string) => {
  const hex = id.replace(/-/g, '').toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};
/** The page id at the end of a page's URL: how remembered items are found by id. */
const idOfUrl = (url: string) => {
  const hex = /([0-9a-f]{32})(?:[?#].*)?$/i.exec(url)?.[1];
  return hex ? dashed(hex) : undefined;
};
const notFound = (error: unknown) => isNotionClientError(error) && error.code === APIErrorCode.ObjectNotFound;
/** A refused token stops the sync: its pages must not be taken for deleted. */
const refusedToken = (error: unknown) =>
  isNotionClientError(error) && error.code === APIErrorCode.Unauthorized
    ? new DocentError('invalid_input', "Notion refused the integration token: check the source's token.")
    : undefined;

/**
 * `notion`: pages shared with an integration, from a root page (and the pages and databases under
 * it), a database's rows, or everything shared (`workspace`). A page whose last_edited_time has
 * not moved is not read again; its sub-pages are the ones remembered.
 */
export function notionSource(options: NotionSourceOptions): SourceKind {
  return {
    kind: 'notion',
    checkTarget(target) {
      const text = target.trim();
      if (text === 'workspace') return text;
      const id = ID.test(text) ? text : (/([0-9a-f]{32})(?:[?#].*)?$/i.exec(text)?.[1] ?? '');
      if (!ID.test(id))
        throw new DocentError(
          'invalid_input',
          `"${target}" is not a Notion page or database: use its id, its link, or workspace.`,
        );
      return dashed(id);
    },
    read: (context) => readNotion(context, options),
  };
}

async function readNotion(context: SourceReadContext, options: NotionSourceOptions): Promise<void> {
  if (!context.secret)
    throw new DocentError(
      'invalid_input',
      'A Notion source needs its integration token: --token-env or --token-file.',
    );
  // The token goes to the configured API only: the client sends it to baseUrl and nowhere else.
  const notion = new Client({
    auth: context.secret,
    baseUrl: options.apiUrl,
    timeoutMs: options.timeoutMs ?? 30_000,
    retry: { maxRetries: 3, initialRetryDelayMs: options.retryDelayMs ?? 1000, maxRetryDelayMs: 60_000 },
    logger: () => undefined,
  });
  const { source, previous } = context;
  const maxPages = Number(source.settings.maxPages ?? options.maxPages);
  const known = new Map<string, SourceItem>();
  for (const item of previous.values()) {
    const id = idOfUrl(item.key);
    if (id) known.set(id, item);
  }
  const seen = new Set<string>();
  const queue: Task[] = [];
  const follow = (links: readonly string[]) => {
    for (const link of links) {
      const [kind, id] = link.split(':') as ['page' | 'database', string];
      if (!seen.has(id) && seen.size < maxPages) {
        seen.add(id);
        queue.push({ kind, id });
      }
    }
  };

  const visit = async (page: PageObjectResponse, walk: boolean) => {
    if (page.in_trash || page.archived) return context.emit({ key: page.url, status: 'gone' });
    const item = previous.get(page.url);
    const edited = Date.parse(page.last_edited_time);
    const readAt = Date.parse(item?.etag ?? '');
    if (item && item.lastModified === page.last_edited_time && readAt >= edited + EDIT_GRANULARITY_MS) {
      await context.emit({ key: page.url, status: 'unchanged', item });
      if (walk) follow(item.links ?? []);
      return;
    }
    const startedAt = new Date().toISOString();
    try {
      const { markdown, children } = await readPage(notion, page, options.maxBytes);
      const links = children.map((c: ChildLink) => `${c.kind}:${c.id}`);
      // etag: when the page was read, so an edit within the same minute is not missed.
      const fresh: SourceItem = {
        key: page.url,
        lastModified: page.last_edited_time,
        etag: startedAt,
        links,
      };
      await context.emit({
        key: page.url,
        status: 'fetched',
        item: fresh,
        bytes: new TextEncoder().encode(markdown),
      });
      if (walk) follow(links);
    } catch (error) {
      await context.emit({ key: page.url, status: 'failed', error: `${page.url}: ${describe(error)}` });
      if (walk) follow(item?.links ?? []);
    }
  };

  const run = async (task: Task) => {
    if (task.kind === 'found') return visit(task.page, false);
    if (task.kind === 'database') {
      for (const row of await databaseRows(notion, task.id))
        if (seen.size < maxPages && !seen.has(row.id)) {
          seen.add(row.id);
          await visit(row, true);
        }
      return;
    }
    try {
      const page = await notion.pages.retrieve({ page_id: task.id });
      if (isFullPage(page)) await visit(page, true);
    } catch (error) {
      if (notFound(error)) return; // deleted, or no longer shared: gone once the listing completes
      const refused = refusedToken(error);
      if (refused) throw refused;
      const item = known.get(task.id);
      await context.emit({
        key: item?.key ?? task.id,
        status: 'failed',
        error: `page ${task.id}: ${describe(error)}`,
      });
      follow(item?.links ?? []);
    }
  };

  if (source.target === 'workspace') {
    try {
      const search = { filter: { property: 'object', value: 'page' }, page_size: 100 } as const;
      for await (const found of iteratePaginatedAPI(notion.search, search)) {
        if (seen.size >= maxPages) break;
        if (isFullPage(found) && !seen.has(found.id)) {
          seen.add(found.id);
          queue.push({ kind: 'found', page: found });
        }
      }
    } catch (error) {
      throw new DocentError('unreadable', `Notion's search could not be read: ${describe(error)}`);
    }
  } else {
    seen.add(source.target);
    queue.push({ kind: await rootKind(notion, source.target), id: source.target });
  }
  await eachConcurrently(queue, CONCURRENCY, run);
}

/** Whether the target is a page or a database; throws when it is neither shared nor found. */
async function rootKind(notion: Client, id: string): Promise<'page' | 'database'> {
  try {
    await notion.pages.retrieve({ page_id: id });
    return 'page';
  } catch (error) {
    if (!notFound(error))
      throw (
        refusedToken(error) ?? new DocentError('unreadable', `Notion could not be read: ${describe(error)}`)
      );
  }
  try {
    await notion.databases.retrieve({ database_id: id });
    return 'database';
  } catch (error) {
    if (!notFound(error)) throw new DocentError('unreadable', `Notion could not be read: ${describe(error)}`);
  }
  throw new DocentError('not_found', `Notion has no page or database ${id} shared with this integration.`);
}

/** Every row of every data source of the database: a failure stops the sync, so no row is taken for deleted. */
async function databaseRows(notion: Client, id: string): Promise<PageObjectResponse[]> {
  const rows: PageObjectResponse[] = [];
  try {
    const database = await notion.databases.retrieve({ database_id: id });
    const sources = 'data_sources' in database ? database.data_sources : [];
    for (const { id: dataSourceId } of sources)
      for await (const row of iteratePaginatedAPI(notion.dataSources.query, {
        data_source_id: dataSourceId,
        page_size: 100,
      }))
        if (isFullPage(row)) rows.push(row);
  } catch (error) {
    throw new DocentError('unreadable', `Notion database ${id} could not be read: ${describe(error)}`);
  }
  return rows;
}

function describe(error: unknown): string {
  if (error instanceof DocentError) return error.message;
  if (isNotionClientError(error))
    return `Notion answered ${'status' in error ? error.status : error.code} (${error.message})`;
  return (error as Error)?.message ?? String(error);
}
