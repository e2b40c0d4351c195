import type { Config } from '../config.js';
import type { SourceKind } from '../core/ports/source-kind.js';
import { confluenceSource } from '../sources/confluence/confluence-source.js';
import { gdriveSource } from '../sources/gdrive/gdrive-source.js';
import { githubSource } from '../sources/github/github-source.js';
import { notionSource } from '../sources/notion/notion-source.js';
import { webSource } from '../sources/web/web-source.js';

/** Every kind of source Docent reads: adding one is its file under src/sources/ and a line here. */
export function sourceKinds(config: Config): SourceKind[] {
  const { sources } = config;
  return [
    webSource({
      allowPrivate: config.allowPrivateUrls,
      concurrency: sources.webConcurrency,
      intervalMs: sources.webIntervalMs,
      maxPages: sources.maxPages,
      maxBytes: config.maxFileBytes,
    }),
    confluenceSource({
      allowPrivate: config.allowPrivateUrls,
      maxPages: sources.maxPages,
      maxBytes: config.maxFileBytes,
    }),
    gdriveSource({
      rootUrl: sources.gdriveApiUrl,
      maxFiles: sources.maxPages,
      maxBytes: config.maxFileBytes,
    }),
    githubSource({ ...sources.github, maxFiles: sources.maxPages, maxBytes: config.maxFileBytes }),
    notionSource({ ...sources.notion, maxPages: sources.maxPages, maxBytes: config.maxFileBytes }),
  ];
}
