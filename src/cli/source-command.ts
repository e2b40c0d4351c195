import type { Services } from '../composition/services.js';
import type { Source } from '../core/ports/source-store.js';
import { DEFAULT_EVERY_MS, parseEvery, sourceView } from '../core/sources.js';
import { printJson } from './output.js';

export interface AddSourceOptions {
  tenant: string;
  every?: string;
  scope?: string;
  tokenEnv?: string;
  tokenFile?: string;
  keyFile?: string;
  email?: string;
  maxPages?: string;
  json?: boolean;
}

export async function addSourceCommand(
  services: Services,
  kind: string,
  target: string,
  options: AddSourceOptions,
): Promise<number> {
  const maxPages = options.maxPages === undefined ? undefined : Number(options.maxPages);
  if (maxPages !== undefined && !(Number.isInteger(maxPages) && maxPages > 0)) {
    process.stderr.write(`error: --max-pages must be a whole number above 0, not "${options.maxPages}".\n`);
    return 2;
  }
  const source = await services.sources.add({
    tenantId: options.tenant,
    kind,
    target,
    scope: options.scope,
    everyMs: options.every ? parseEvery(options.every) : DEFAULT_EVERY_MS,
    settings: {
      ...(maxPages ? { maxPages } : {}),
      ...(options.email ? { email: options.email } : {}),
    },
    secret: { env: options.tokenEnv, file: options.tokenFile, keyFile: options.keyFile },
  });
  if (options.json) printJson(sourceView(source));
  else
    process.stdout.write(
      `added ${source.id} (${source.kind} ${source.target}); docent serve syncs it, or now: docent source sync ${source.id}\n`,
    );
  return 0;
}

export async function listSourcesCommand(
  services: Services,
  options: { tenant?: string; json?: boolean },
): Promise<number> {
  const sources = await services.sources.list(options.tenant);
  if (options.json) {
    printJson(sources.map(sourceView));
    return 0;
  }
  if (sources.length === 0)
    process.stdout.write('No sources yet. Add one with: docent source add web <url>\n');
  for (const s of sources) process.stdout.write(`${describe(s)}\n`);
  return 0;
}

export async function syncSourcesCommand(
  services: Services,
  id: string | undefined,
  options: { tenant?: string; full?: boolean; json?: boolean },
): Promise<number> {
  const ids = id ? [id] : (await services.sources.list(options.tenant)).map((s) => s.id);
  const synced: Source[] = [];
  for (const sourceId of ids) {
    const source = await services.sources.sync(sourceId, { full: options.full });
    if (!source) {
      process.stderr.write(`not found: ${sourceId}\n`);
      return 1;
    }
    synced.push(source);
    if (!options.json) process.stdout.write(`${describe(source)}\n`);
  }
  if (options.json) printJson(synced.map(sourceView));
  return synced.every((s) => s.state.status === 'ok') ? 0 : 1;
}

export async function removeSourceCommand(
  services: Services,
  id: string,
  options: { json?: boolean },
): Promise<number> {
  const removed = await services.sources.remove(id);
  if (options.json)
    printJson({ id, removed: removed !== undefined, documents_removed: removed?.documentsRemoved ?? 0 });
  else
    process.stdout.write(
      removed ? `removed ${id} and its ${removed.documentsRemoved} document(s)\n` : `not found: ${id}\n`,
    );
  return removed ? 0 : 1;
}

/** One line: what it is, then how its last sync went. */
function describe(s: Source): string {
  const v = sourceView(s);
  const counts = v.counts
    ? ` added ${v.counts.added}, updated ${v.counts.updated}, unchanged ${v.counts.unchanged}, removed ${v.counts.removed}, failed ${v.counts.failed}`
    : '';
  const last = v.last_sync_at ? ` at ${v.last_sync_at}:${counts}` : '';
  const error = v.last_error ? `\n    last error: ${v.last_error}` : '';
  return `${v.id}  ${v.tenant}  ${v.kind} ${v.target}  ${v.scope}  every ${v.every_ms / 60_000} min  ${v.status}${last}${error}`;
}
