import type * as lancedb from '@lancedb/lancedb';
import type { DocumentRecord } from '../../core/types.js';
import { type StoredDocument, toDocument } from './lance-schema.js';

// Documents written by other processes appear in listings and idempotency checks within this time.
const MAX_AGE_MS = 5_000;

/**
 * The `documents` table in memory: it is small (a row per document) and read on every ingestion
 * and every pinned search. This process's own commits are applied as they happen; other
 * processes' appear when it is read again.
 */
export class LanceDocumentIndex {
  private loaded?: { byId: Map<string, StoredDocument>; at: number };
  private loading?: Promise<Map<string, StoredDocument>>;
  /** Counts this process's commits and deletions, which a read running meanwhile may miss. */
  private localChanges = 0;

  constructor(private readonly db: lancedb.Connection) {}

  /** Every record by id, read again when older than `maxAgeMs` (0: as stored now). */
  async get(maxAgeMs = MAX_AGE_MS): Promise<Map<string, StoredDocument>> {
    if (this.loaded && Date.now() - this.loaded.at <= maxAgeMs) return this.loaded.byId;
    this.loading ??= this.read().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  async committed(docs: StoredDocument[]): Promise<void> {
    this.localChanges++;
    const byId = await this.get();
    for (const d of docs) byId.set(d.docId, { ...d });
  }

  deleted(docId: string): void {
    this.localChanges++;
    this.loaded?.byId.delete(docId);
  }

  private async read(): Promise<Map<string, StoredDocument>> {
    for (;;) {
      const changes = this.localChanges;
      const at = Date.now();
      // A handle of its own sees other processes' commits; the store's writing handle only its own.
      const table = await this.db.openTable('documents');
      const rows = await table
        .query()
        .toArray()
        .finally(() => table.close());
      // A commit of ours that landed meanwhile may be missing from what was read: read again.
      if (changes !== this.localChanges) continue;
      const byId = new Map(rows.map((r) => [String(r.doc_id), toDocument(r)]));
      this.loaded = { byId, at };
      return byId;
    }
  }
}

/** A record as the port shows it: which generation is current stays inside the store. */
export function withoutGeneration({ generation: _generation, ...doc }: StoredDocument): DocumentRecord {
  return { ...doc, origin: { ...doc.origin } };
}
