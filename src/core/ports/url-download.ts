export interface UrlDownloadOptions {
  /** Sent to the URL's own origin only, never to another origin a redirect leads to (a token stays home). */
  headers?: Record<string, string>;
  /** ALLOW_PRIVATE_URLS: loopback, private and link-local addresses may be fetched too. */
  allowPrivate?: boolean;
  /** Origins the configuration names (a self-hosted or fake platform API): reachable wherever they are. */
  trustedOrigins?: string[];
}

/**
 * Downloads a URL's bytes, refusing more than `maxBytes`. Throws an `IngestError` for what cannot
 * be downloaded. Adapters are given one, so they never reach into the network code themselves.
 */
export type UrlDownload = (
  url: string,
  options: UrlDownloadOptions,
) => (maxBytes: number) => Promise<Uint8Array>;
