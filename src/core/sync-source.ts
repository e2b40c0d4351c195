import { describeError } from './errors.js';
import type { KnowledgeBase } from './knowledge-base.js';
import type { SourceEntry, SourceKind } from './ports/source-kind.js';
import type { Source, SourceItem, SourceStore, SyncCounts, SyncState } from './ports/source-store.js';
import type { DocumentOrigin } from './types.js';

export interface SyncDeps {
  store: SourceStore;
  kind: SourceKind;
  knowledgeBase: KnowledgeBase;
  secret?: string;
  now: () => number;
  /** The first retry's wait after a sync that did not complete; doubled each time, at most the period. */
  retryBaseMs: number;
}

// Items are remembered in batches: one lost to a crash only costs that page a full download next time.
const ITEM_BATCH = 100;
// Documents being ingested while the reader goes on: enough for the store to commit them in groups.
const INGESTS_IN_FLIGHT = 16;

/** A source's documents are its own: their identity names the source, never the operator's. */
export const sourceOrigin = (source: Source): DocumentOrigin => ({
  addedBy: source.id,
  addedIn: source.kind,
  platform: 'source',
});

/**
 * Reads the source and brings its documents up to date: new and changed ones are ingested (each
 * replaced atomically; identical content costs no embedding), unchanged ones cost one request,
 * and once the whole listing has been read the documents it no longer has are removed. A failure
 * part-way keeps every document as it was and records the error; the next sync picks up.
 */
export async function syncSource(source: Source, deps: SyncDeps, options: { full?: boolean } = {}) {
  const { store, knowledgeBase } = deps;
  const previous = new Map((await store.items(source.id)).map((item) => [item.key, item]));
  const counts: SyncCounts = { added: 0, updated: 0, unchanged: 0, removed: 0, failed: 0 };
  const seen = new Set<string>();
  const gone = new Set<string>();
  const errors: string[] = [];
  const pending: SourceItem[] = [];
  let writes: Promise<void> = Promise.resolve();
  const flush = () => {
    const batch = pending.splice(0);
    if (batch.length > 0) writes = writes.then(() => store.putItems(source.id, batch));
    return writes;
  };
  const remember = (item: SourceItem) => {
    pending.push(item);
    if (pending.length >= ITEM_BATCH) return flush();
  };

  const inFlight = new Set<Promise<void>>();
  const ingest = async (entry: Extract<SourceEntry, { status: 'fetched' }>) => {
    try {
      const outcome = await knowledgeBase.ingest({
        tenantId: source.tenantId,
        scope: source.scope,
        source: entry.key,
        origin: sourceOrigin(source),
        fetchData: async () => entry.bytes,
      });
      if (outcome.status === 'unchanged') counts.unchanged++;
      else if (outcome.replaced) counts.updated++;
      else counts.added++;
      await remember({ ...entry.item, key: entry.key, docId: outcome.document.docId });
    } catch (error) {
      counts.failed++;
      errors.push(describeError(error));
    }
  };

  const emit = async (entry: SourceEntry) => {
    if (seen.has(entry.key)) return;
    seen.add(entry.key);
    if (entry.status === 'gone') {
      gone.add(entry.key);
      seen.delete(entry.key);
    } else if (entry.status === 'failed') {
      counts.failed++;
      errors.push(entry.error);
    } else if (entry.status === 'unchanged') {
      counts.unchanged++;
      // A kind may refresh what it remembers of an unchanged document (the commit it was seen at).
      const before = previous.get(entry.key);
      if (before && !sameItem(before, entry.item)) await remember({ ...entry.item, docId: before.docId });
    } else {
      const ingesting: Promise<void> = ingest(entry).finally(() => inFlight.delete(ingesting));
      inFlight.add(ingesting);
      if (inFlight.size >= INGESTS_IN_FLIGHT) await Promise.race(inFlight);
    }
  };
  let listingError: string | undefined;
  try {
    const known = options.full ? new Map<string, SourceItem>() : previous;
    await deps.kind.read({ source, previous: known, secret: deps.secret, emit });
  } catch (error) {
    listingError = describeError(error);
  }
  await Promise.all(inFlight);
  await flush();
  if (listingError === undefined) {
    for (const key of previous.keys()) if (!seen.has(key)) gone.add(key);
  }
  counts.removed = await removeGone(source, deps, previous, gone);

  const status = listingError ? 'failed' : counts.failed > 0 ? 'partial' : 'ok';
  const failures = status === 'ok' ? 0 : source.state.failures + 1;
  const finishedAt = deps.now();
  const lastError =
    listingError ?? (errors.length > 0 ? `${errors.length} failed; the first: ${errors[0]}` : undefined);
  const state: SyncState = {
    lastSyncAt: new Date(finishedAt).toISOString(),
    status,
    counts,
    lastError,
    failures,
    nextSyncAt: new Date(finishedAt + nextWaitMs(source.everyMs, failures, deps.retryBaseMs)).toISOString(),
  };
  await store.recordSync(source.id, state);
  return state;
}

async function removeGone(
  source: Source,
  deps: SyncDeps,
  previous: ReadonlyMap<string, SourceItem>,
  gone: ReadonlySet<string>,
): Promise<number> {
  let removed = 0;
  const keys: string[] = [];
  for (const key of gone) {
    const item = previous.get(key);
    if (!item) continue;
    if (item.docId && (await deps.knowledgeBase.removeDocument(source.tenantId, item.docId))) removed++;
    keys.push(key);
  }
  await deps.store.removeItems(source.id, keys);
  return removed;
}

/** The period after a complete sync; after failures, a wait that doubles each time, up to the period. */
export function nextWaitMs(everyMs: number, failures: number, retryBaseMs: number): number {
  if (failures === 0) return everyMs;
  return Math.min(everyMs, retryBaseMs * 2 ** Math.min(failures - 1, 30));
}

function sameItem(a: SourceItem, b: SourceItem): boolean {
  return a.etag === b.etag && a.lastModified === b.lastModified && a.links?.join() === b.links?.join();
}
