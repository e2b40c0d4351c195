import type * as lancedb from '@lancedb/lancedb';
import { type ChunkRow, chunkRowsToArrow, type StoredDocument, sqlString } from './lance-schema.js';
import type { TaskRunner } from './serial.js';

interface PendingDocument {
  doc: StoredDocument;
  rows: ChunkRow[];
  settle: (error?: unknown) => void;
}

export interface BatchWriterDeps {
  chunks: lancedb.Table;
  dimension: number;
  /** The store's serial write queue: one LanceDB writer per table. */
  enqueue: TaskRunner;
  /** Runs a commit while no other instance writes to the same database (or at once, alone). */
  exclusive: TaskRunner;
  /** Which of these documents have a record, as stored now (another instance may have written one). */
  storedAmong: (docIds: string[]) => Promise<ReadonlySet<string>>;
  /** Commits the documents' records: the moment their new passages become the searched ones. */
  writeRecords: (docs: StoredDocument[], anyStored: boolean) => Promise<void>;
  afterCommit: (docs: StoredDocument[]) => Promise<void>;
}

// A commit's cost is mostly per commit below a few thousand rows (measured: 40,000 passages
// written 200 rows a commit cost 333 ms of CPU per MB of text, 1,000 rows 123 ms, 5,000 rows
// 101 ms). While documents stream in (the last one came moments ago), a commit waits briefly
// for more; a lone document is committed at once.
const FULL_BATCH_ROWS = 2_000;
const LINGER_MS = 100;
const STREAM_GAP_MS = 100;

/**
 * Group commit for document writes. Every LanceDB commit costs about the same whether it carries
 * one passage or thousands, so documents that arrive while a commit is running go together in
 * the next one. Passages and records live in two tables, so two commits: new passages go in
 * under a new generation nobody searches yet, then the records commit pointing at it (all of the
 * batch's documents switch at once), then older generations are deleted.
 */
export class LanceBatchWriter {
  private pending: PendingDocument[] = [];
  private pendingRows = 0;
  private scheduled = false;
  private linger: NodeJS.Timeout | undefined;
  private lastWriteAt = 0;

  constructor(private readonly deps: BatchWriterDeps) {}

  write(doc: StoredDocument, rows: ChunkRow[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ doc, rows, settle: (error) => (error ? reject(error) : resolve()) });
      this.pendingRows += rows.length;
      const now = Date.now();
      const streaming = now - this.lastWriteAt < STREAM_GAP_MS;
      this.lastWriteAt = now;
      if (this.pendingRows >= FULL_BATCH_ROWS || !streaming) this.flushSoon();
      else this.linger ??= setTimeout(() => this.flushSoon(), LINGER_MS);
    });
  }

  private flushSoon(): void {
    clearTimeout(this.linger);
    this.linger = undefined;
    if (this.scheduled) return;
    this.scheduled = true;
    void this.deps.enqueue(() => this.flush());
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    this.pendingRows = 0;
    if (batch.length === 0) return;
    // The last write of a document in one batch wins; earlier ones are superseded, not lost.
    const latest = [...new Map(batch.map((p) => [p.doc.docId, p])).values()];
    try {
      await this.deps.exclusive(() => this.commit(latest));
      for (const p of batch) p.settle();
    } catch (error) {
      for (const p of batch) p.settle(error);
    }
  }

  private async commit(batch: PendingDocument[]): Promise<void> {
    const { chunks, dimension } = this.deps;
    const docs = batch.map((p) => p.doc);
    const storedIds = await this.deps.storedAmong(docs.map((d) => d.docId));
    const stored = docs.filter((d) => storedIds.has(d.docId));
    // A handle stays on the version it last saw: another instance's passages of these documents,
    // committed since, must be in what the deletion below reads.
    await chunks.checkoutLatest();
    await chunks.add(
      chunkRowsToArrow(
        batch.flatMap((p) => p.rows),
        dimension,
      ),
    );
    try {
      await this.deps.writeRecords(docs, stored.length > 0);
    } catch (error) {
      // Unreferenced passages are never searched; removing them now saves maintain() the work.
      await chunks
        .delete(`generation IN (${docs.map((d) => sqlString(d.generation)).join(', ')})`)
        .catch(() => {});
      throw error;
    }
    await this.deps.afterCommit(docs);
    if (stored.length === 0) return;
    // The write has happened; passages left behind here are invisible, and maintain() removes them.
    const older = stored.map(
      (d) => `(doc_id = ${sqlString(d.docId)} AND generation <> ${sqlString(d.generation)})`,
    );
    await chunks.delete(older.join(' OR ')).catch(() => {});
  }
}
