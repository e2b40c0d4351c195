import type * as lancedb from '@lancedb/lancedb';
import type { DocumentRecord, Passage, SearchRequest } from '../core/types.js';
import { LanceBatchWriter } from './lance-batch-writer.js';
import { maintainChunkIndexes, textIndex } from './lance-maintenance.js';
import { type ChunkRow, sqlString } from './lance-schema.js';
import { hybridFusion } from './rank-fusion.js';

type Row = Record<string, unknown>;
/** A table handle pinned to one version, and how many passages that version holds. */
type Snapshot = { table: lancedb.Table; takenAt: number; rows: number };

const TEXT_INDEX = 'text_idx';
// Scalar-quantised distances are coarse: candidates are re-ranked on full vectors. Search width
// 500 keeps recall@10 near 0.98 on the graph lance-maintenance.ts builds; 800 adds ~0.01 for
// ~2 ms more. Measured by `npm run bench:retrieve` (BENCHMARKS.md).
const HNSW_EF = 500;
// How many candidates per result are re-ranked on full vectors. On tables of 10,000 passages,
// 4 keeps recall@10 at 0.996 (10: 0.997) and takes 5 ms off a hybrid search; on 100,000, 10 is
// what keeps recall at 0.96, and less was not measured there.
const REFINE_FACTOR_SMALL = 4;
const REFINE_FACTOR_LARGE = 10;
const SMALL_TABLE_ROWS = 50_000;
// Writes by other processes become visible here within this time.
const SNAPSHOT_MAX_AGE_MS = 5_000;
const COLUMNS = ['chunk_id', 'doc_id', 'title', 'source', 'text', 'position'];
// Each half names its score column too: LanceDB warns on every search that leaves it implicit.
const VECTOR_COLUMNS = [...COLUMNS, '_distance'];
const TEXT_COLUMNS = [...COLUMNS, '_score'];

export interface TenantChunksDeps {
  db: lancedb.Connection;
  documents: lancedb.Table;
  dimension: number;
  enqueue: <T>(task: () => Promise<T>) => Promise<T>;
  isStored: (docId: string) => Promise<boolean>;
  onCommitted: (docs: DocumentRecord[]) => Promise<void>;
}

/**
 * One tenant's passages in their own LanceDB table. A tenant's searches then never wade through
 * other tenants' vectors, which is what kept filtered HNSW search slow and its recall low when
 * every tenant shared one table.
 */
export class TenantChunks {
  private readonly writer: LanceBatchWriter;
  /** Set by every local write: the next search refreshes the text index and its pinned version first. */
  private stale = true;
  private snapshot?: Snapshot;
  private refreshing?: Promise<void>;

  constructor(
    readonly name: string,
    readonly table: lancedb.Table,
    private readonly deps: TenantChunksDeps,
  ) {
    this.writer = new LanceBatchWriter({
      chunks: table,
      documents: deps.documents,
      dimension: deps.dimension,
      enqueue: deps.enqueue,
      isStored: deps.isStored,
      afterCommit: async (docs) => {
        await deps.onCommitted(docs);
        // Readers refresh on their next search; bulk ingestion pays nothing per commit.
        this.stale = true;
      },
    });
  }

  write(doc: DocumentRecord, rows: ChunkRow[]): Promise<void> {
    return this.writer.write(doc, rows);
  }

  /** Runs inside the store's write queue. */
  async delete(filter: string): Promise<void> {
    await this.table.delete(filter);
    this.stale = true;
  }

  /** The next search re-reads the table (written elsewhere) instead of its pinned version. */
  markStale(): void {
    this.stale = true;
  }

  async search(request: SearchRequest): Promise<Passage[]> {
    const snapshot = await this.readSnapshot();
    if (!snapshot) return [];
    const { table } = snapshot;
    const filter = `scope IN (${request.audience.scopes.map(sqlString).join(', ')})`;
    const mode = request.mode ?? 'hybrid';
    const vectorQuery = () =>
      table
        .query()
        .nearestTo(request.vector)
        .distanceType('cosine')
        .nprobes(20)
        .ef(HNSW_EF)
        .refineFactor(snapshot.rows <= SMALL_TABLE_ROWS ? REFINE_FACTOR_SMALL : REFINE_FACTOR_LARGE)
        .where(filter);
    const textQuery = () => table.query().fullTextSearch(request.text).where(filter).select(TEXT_COLUMNS);
    let rows: Row[];
    if (mode === 'vector') rows = await vectorQuery().select(VECTOR_COLUMNS).limit(request.k).toArray();
    else if (mode === 'bm25') rows = await textQuery().limit(request.k).toArray();
    else {
      // Both halves read the same pinned version, so fusing them here is consistent; doing it in
      // our code lets the two rankings carry different weights.
      const depth = Math.max(request.k * 4, 20);
      const [byVector, byText] = await Promise.all([
        vectorQuery().select(VECTOR_COLUMNS).limit(depth).toArray(),
        textQuery().limit(depth).toArray(),
      ]);
      const fused = hybridFusion(byVector, byText, (r) => String(r.chunk_id)).slice(0, request.k);
      rows = fused.map(({ item, score }) => ({ ...item, _relevance_score: score }));
    }
    return rows.map((r) => toPassage(r, mode));
  }

  /** Runs inside the store's write queue; a connection that searches loads the new indexes at once. */
  async maintain(options: { loadIndexes: boolean }): Promise<void> {
    await maintainChunkIndexes(this.table);
    await this.refreshSnapshot();
    if (options.loadIndexes) await this.warmIndexes();
  }

  /** What a first search does (read the latest version, build a missing text index), and loads the indexes. */
  async warm(): Promise<void> {
    await this.readSnapshot();
    await this.warmIndexes();
  }

  /**
   * Loads the indexes into LanceDB's cache with one query of each kind: otherwise the first
   * question after a start or a rebuild waits a second or more while they are read from disk.
   */
  private async warmIndexes(): Promise<void> {
    const table = this.searchable()?.table;
    if (!table) return;
    const vector = new Array<number>(this.deps.dimension).fill(1 / Math.sqrt(this.deps.dimension));
    await Promise.all([
      table
        .query()
        .nearestTo(vector)
        .distanceType('cosine')
        .ef(HNSW_EF)
        .select(['chunk_id', '_distance'])
        .limit(1)
        .toArray(),
      table.query().fullTextSearch('warm').select(['chunk_id', '_score']).limit(1).toArray(),
    ]);
  }

  close(): void {
    this.table.close();
    this.snapshot?.table.close();
  }

  /**
   * BM25 queries fail without an FTS index, so the first write creates it; later rows are folded
   * in by maintain(). LanceDB stops searching unindexed rows once every indexed row is gone (as
   * after replacing the only document), so an index that covers nothing is rebuilt.
   */
  private async ensureTextIndex(): Promise<void> {
    // Another process (the CLI, another instance) may have built it: build only what is missing.
    const covered = async () => ((await this.table.indexStats(TEXT_INDEX))?.numIndexedRows ?? 0) > 0;
    if (await covered()) return;
    if ((await this.table.countRows()) === 0) return;
    try {
      await this.table.createIndex('text', { config: textIndex(), replace: true });
    } catch (error) {
      // Two instances building it at once: one commit wins, and its index serves both.
      await this.table.checkoutLatest();
      if (!(await covered())) throw error;
    }
  }

  /**
   * Searches read a handle pinned to one committed version: the vector and full-text halves of a
   * hybrid search run as two queries, and on a moving table they could straddle a commit and mix
   * a document's old and new passages.
   */
  private async readSnapshot(): Promise<Snapshot | undefined> {
    if (!this.snapshot || this.stale) {
      await this.deps.enqueue(async () => {
        if (!this.stale && this.snapshot) return;
        this.stale = false;
        await this.ensureTextIndex();
        await this.refreshSnapshot();
      });
    } else if (Date.now() - this.snapshot.takenAt > SNAPSHOT_MAX_AGE_MS) {
      this.refreshing ??= this.deps
        .enqueue(() => this.refreshSnapshot())
        .finally(() => {
          this.refreshing = undefined;
        });
    }
    return this.searchable();
  }

  /** The pinned version, unless it has nothing to search. */
  private searchable(): Snapshot | undefined {
    return this.snapshot?.rows === 0 ? undefined : this.snapshot;
  }

  private async refreshSnapshot(): Promise<void> {
    const table = await this.deps.db.openTable(this.name);
    await table.checkout(await table.version());
    const previous = this.snapshot?.table;
    // An empty table may have no usable text index; there is nothing to search anyway.
    this.snapshot = { table, takenAt: Date.now(), rows: await table.countRows() };
    // Searches already running on the previous handle hold their own reference; close it later.
    setTimeout(() => previous?.close(), 60_000).unref();
  }
}

function toPassage(r: Row, mode: 'hybrid' | 'vector' | 'bm25'): Passage {
  const score =
    mode === 'hybrid'
      ? Number(r._relevance_score)
      : mode === 'vector'
        ? 1 - Number(r._distance)
        : Number(r._score);
  return {
    chunkId: String(r.chunk_id),
    docId: String(r.doc_id),
    title: String(r.title),
    source: String(r.source),
    text: String(r.text),
    position: Number(r.position),
    score,
  };
}
