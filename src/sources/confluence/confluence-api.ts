import { DocentError } from '../../core/errors.js';
import { openUrl } from '../../ingestion/fetch-url.js';

export interface ConfluenceApiOptions {
  /** The site's origin, such as https://yoursite.atlassian.net. */
  origin: string;
  email: string;
  token: string;
  allowPrivate: boolean;
  /** Largest response read. */
  maxBytes: number;
  timeoutMs?: number;
}

/** A page as the space's listing gives it: no body. */
export interface ListedPage {
  id: string;
  title: string;
  parentId?: string;
  version?: { number?: number; createdAt?: string };
  _links?: { webui?: string };
}

export interface PageBody {
  title: string;
  version?: { number?: number; createdAt?: string };
  body?: { storage?: { value?: string } };
}

/** An answer other than 200 from the API, with its status, so a caller can tell a deleted page. */
export class ConfluenceStatusError extends DocentError {
  constructor(
    readonly path: string,
    readonly status: number,
  ) {
    super(
      'unreadable',
      status === 401 || status === 403
        ? `Confluence refused the credentials for ${path} (${status}): check the email and the API token, and that the account can read the space.`
        : `${path}: Confluence answered ${status}.`,
    );
  }
}

// Confluence Cloud asks clients to wait on 429 with Retry-After; longer waits are left to the next sync.
const MOST_RETRY_WAIT_MS = 30_000;
const LISTING_LIMIT = 250;

/**
 * Confluence Cloud's REST API v2, read with an account's API token (Basic auth). Every request goes
 * to the site's own origin, through the same outbound rules and size limits as any download; the
 * credentials are dropped on a redirect elsewhere.
 */
export class ConfluenceApi {
  private readonly authorization: string;

  constructor(private readonly options: ConfluenceApiOptions) {
    this.authorization = `Basic ${Buffer.from(`${options.email}:${options.token}`).toString('base64')}`;
  }

  /** The space's id from its key; a space the account cannot see is reported as missing. */
  async spaceId(key: string): Promise<string> {
    const found = await this.get<{ results?: { id?: string | number; key?: string }[] }>(
      `/wiki/api/v2/spaces?keys=${encodeURIComponent(key)}&limit=1`,
    );
    const space = found.results?.find((s) => s.key === key);
    if (space?.id === undefined)
      throw new DocentError('invalid_input', `Confluence has no space ${key} that this account can read.`);
    return String(space.id);
  }

  /** Every current page of the space, without bodies, following the listing's cursor up to `limit`. */
  async pages(spaceId: string, limit: number): Promise<ListedPage[]> {
    const pages: ListedPage[] = [];
    let next: string | undefined =
      `/wiki/api/v2/spaces/${encodeURIComponent(spaceId)}/pages?status=current&limit=${LISTING_LIMIT}`;
    while (next && pages.length < limit) {
      const listing: { results?: ListedPage[]; _links?: { next?: string } } = await this.get(next);
      for (const page of listing.results ?? []) {
        if (typeof page?.id !== 'string' && typeof page?.id !== 'number') continue;
        pages.push({ ...page, id: String(page.id), title: String(page.title ?? '') });
      }
      next = this.sameSitePath(listing._links?.next);
    }
    return pages.slice(0, limit);
  }

  /** One page with its body in storage format (XHTML). */
  page(id: string): Promise<PageBody> {
    return this.get(`/wiki/api/v2/pages/${encodeURIComponent(id)}?body-format=storage`);
  }

  private async get<T>(path: string, retried = false): Promise<T> {
    const opened = await openUrl(`${this.options.origin}${path}`, {
      headers: { authorization: this.authorization, accept: 'application/json' },
      allowPrivate: this.options.allowPrivate,
      timeoutMs: this.options.timeoutMs,
    });
    if (opened.status === 429 || opened.status === 503) {
      opened.discard();
      const waitMs = Number(opened.header('retry-after') ?? 1) * 1000;
      if (retried || !(waitMs >= 0 && waitMs <= MOST_RETRY_WAIT_MS))
        throw new ConfluenceStatusError(path, opened.status);
      await new Promise((resolve) => setTimeout(resolve, waitMs));
      return this.get(path, true);
    }
    if (opened.status !== 200) {
      opened.discard();
      throw new ConfluenceStatusError(path, opened.status);
    }
    const body = await opened.read(this.options.maxBytes);
    try {
      return JSON.parse(new TextDecoder().decode(body)) as T;
    } catch {
      throw new DocentError('unreadable', `${path}: Confluence answered something other than JSON.`);
    }
  }

  /** The listing's next link, kept only when it stays on the site (it is relative in practice). */
  private sameSitePath(link: string | undefined): string | undefined {
    if (!link) return undefined;
    const url = new URL(link, this.options.origin);
    return url.origin === this.options.origin ? `${url.pathname}${url.search}` : undefined;
  }
}
