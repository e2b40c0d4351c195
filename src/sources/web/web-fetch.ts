import type { OpenedUrl } from '../../ingestion/fetch-url.js';

/** One request to the site, paced and under the outbound rules; `headers` adds to the usual ones. */
export type WebFetch = (url: string, headers: Record<string, string>) => Promise<OpenedUrl>;
