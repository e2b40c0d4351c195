import type { Source, SourceItem } from './source-store.js';

/**
 * One document as a source's reader found it:
 * - `unchanged`: the server said so (a 304), at the cost of that one request; its item, when it
 *   differs from the one remembered (a newer commit it was seen at), replaces it;
 * - `fetched`: its bytes, to be ingested (ingestion itself skips identical content);
 * - `gone`: deleted, moved out of the source or barred from it: its document is removed;
 * - `failed`: could not be read this time: its document, if any, is kept as it was.
 */
export type SourceEntry =
  | { key: string; status: 'unchanged'; item: SourceItem }
  | { key: string; status: 'fetched'; item: SourceItem; bytes: Uint8Array }
  | { key: string; status: 'gone' }
  | { key: string; status: 'failed'; error: string };

export interface SourceReadContext {
  source: Source;
  /** What the last sync remembered, by key (empty for a full sync). */
  previous: ReadonlyMap<string, SourceItem>;
  /** The token named by the source's secret reference, read just now. */
  secret?: string;
  /** Called for each document, possibly several at once; waits while it is being ingested. */
  emit: (entry: SourceEntry) => Promise<void>;
}

/**
 * A kind of source (`web`, …): how a target is checked, and how its documents are read. Adding
 * one is a file implementing this and a line registering it (src/composition/source-kinds.ts).
 */
export interface SourceKind {
  readonly kind: string;
  /** The target as it will be stored; throws a DocentError with one sentence when it is unusable. */
  checkTarget(target: string): string;
  /**
   * Emits every document of the source. Throws when the listing itself cannot be read: then
   * nothing is removed, since documents not emitted are taken to be gone only after a full listing.
   */
  read(context: SourceReadContext): Promise<void>;
}
