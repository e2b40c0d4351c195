import type * as lancedb from '@lancedb/lancedb';
import { LRUCache } from 'lru-cache';
import { collapseNearDuplicates } from '../../core/near-duplicates.js';
import { INITIAL_VERSION } from '../../core/ports/knowledge-versions.js';
import { hybridFusion } from '../../core/rank-fusion.js';
import type { Passage, Scope, SearchRequest } from '../../core/types.js';
import { LanceBatchWriter } from './lance-batch-writer.js';
import {
  fullTextQuery,
  maintainChunkIndexes,
  removeOrphans,
  TEXT_INDEX,
  TEXT_INDEX_COLUMN,
  textIndex,
} from './lance-maintenance.js';
import { type ChunkRow, type StoredDocument, sqlString } from './lance-schema.js';
import type { TaskRunner } from './serial.js';

type Row = Record<string, unknown>;
/**
 * A table handle pinned to one version, how many passages that version holds, and the generation
 * each of the tenant's document records pointed at when it was pinned: the passages searched.
 */
type Snapshot = { table: lancedb.Table; takenAt: number; rows: number; generations: Map<string, string> };

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
const COLUMNS = ['chunk_id', 'doc_id', 'generation', 'title', 'source', 'text', 'position'];
// When some candidates belong to no current document, this many times as many are read again.
const OVERFETCH = 4;
// Each half names its score column too: LanceDB warns on every search that leaves it implicit.
const VECTOR_COLUMNS = [...COLUMNS, '_distance'];
const TEXT_COLUMNS = [...COLUMNS, '_score'];

export interface TenantChunksDeps {
  tenantId: string;
  db: lancedb.Connection;
  dimension: number;
  enqueue: TaskRunner;
  exclusive: TaskRunner;
  storedAmong: (docIds: string[]) => Promise<ReadonlySet<string>>;
  writeRecords: (docs: StoredDocument[], anyStored: boolean) => Promise<void>;
  onCommitted: (docs: StoredDocument[]) => Promise<void>;
  /** Every document's record by id, as stored now (read again, not remembered). */
  records: () => Promise<ReadonlyMap<string, StoredDocument>>;
}

/**
 * One tenant's passages in their own LanceDB table. A tenant's searches then never wade through
 * other tenants' vectors, which is what kept filtered HNSW search slow and its recall low when
 * every tenant shared one table.
 */
export class TenantChunks {
  private readonly writer: LanceBatchWriter;
  /**
   * Counts what made the pinned version stale (this process's writes, newer knowledge versions):
   * a search reads a version pinned after the last of them, refreshing the text index first.
   */
  private staleMarks = 0;
  /** The count of stale marks the pinned version was read after. */
  private snapshotCovers = -1;
  private snapshot?: Snapshot;
  private refreshing?: Promise<void>;
  private refreshingNow?: Promise<void>;
  /** By scope, the knowledge version searches last asked for; another one means another process wrote. */
  private readonly askedVersions = new LRUCache<Scope, string>({ max: 10_000 });

  constructor(
    readonly name: string,
    readonly table: lancedb.Table,
    private readonly deps: TenantChunksDeps,
  ) {
    this.writer = new LanceBatchWriter({
      chunks: table,
      dimension: deps.dimension,
      enqueue: deps.enqueue,
      exclusive: deps.exclusive,
      storedAmong: deps.storedAmong,
      writeRecords: deps.writeRecords,
      afterCommit: async (docs) => {
        await deps.onCommitted(docs);
        // Readers refresh on their next search; bulk ingestion pays nothing per commit.
        this.staleMarks++;
      },
    });
  }

  write(doc: StoredDocument, rows: ChunkRow[]): Promise<void> {
    return this.writer.write(doc, rows);
  }

  /** Runs inside the store's write queue. */
  async delete(filter: string): Promise<void> {
    await this.table.checkoutLatest();
    await this.table.delete(filter);
    this.staleMarks++;
  }

  async search(request: SearchRequest): Promise<Passage[]> {
    const asked = [...(request.knowledgeVersions ?? [])].map(
      (v, i) => [request.audience.scopes[i], v] as const,
    );
    // A scope not asked about before counts as unchanged until its version says otherwise: most
    // channels and people never share a document, and their first question needs no re-read.
    const newer = asked.some(
      ([scope, version]) => scope && (this.askedVersions.get(scope) ?? INITIAL_VERSION) !== version,
    );
    // Another process changed this tenant's documents since the version pinned here was read.
    if (newer) this.staleMarks++;
    const snapshot = await this.readSnapshot();
    if (newer) for (const [scope, version] of asked) if (scope) this.askedVersions.set(scope, version);
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
    const vectorRows = (limit: number) => vectorQuery().select(VECTOR_COLUMNS).limit(limit).toArray();
    const textRows = (limit: number) =>
      fullTextQuery(table, request.text).where(filter).select(TEXT_COLUMNS).limit(limit).toArray();
    let rows: Row[];
    const current = (read: (limit: number) => Promise<Row[]>, limit: number) =>
      currentRows(read, limit, snapshot.generations);
    // Read deeper than k: near-duplicates of better passages are dropped before the cut.
    const depth = Math.max(request.k * 4, 20);
    if (mode === 'vector') rows = await current(vectorRows, depth);
    else if (mode === 'bm25') rows = await current(textRows, depth);
    else {
      // Both halves read the same pinned version, so fusing them here is consistent; doing it in
      // our code lets the two rankings carry different weights.
      const [byVector, byText] = await Promise.all([current(vectorRows, depth), current(textRows, depth)]);
      const fused = hybridFusion(byVector, byText, (r) => String(r.chunk_id));
      rows = fused.map(({ item, score }) => ({ ...item, _relevance_score: score }));
    }
    return collapseNearDuplicates(rows, (r) => String(r.text), request.k).map((r) => toPassage(r, mode));
  }

  /** Runs inside the store's write queue; the new indexes are loaded at once. */
  async maintain(options: { orphansBefore: Date }): Promise<void> {
    if (await removeOrphans(this.table, await this.deps.records(), options.orphansBefore)) this.staleMarks++;
    await maintainChunkIndexes(this.table);
    await this.refreshSnapshot();
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
      fullTextQuery(table, 'warm').select(['chunk_id', '_score']).limit(1).toArray(),
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
      await this.table.createIndex(TEXT_INDEX_COLUMN, { config: textIndex(), replace: true });
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
    // A refresh already under way may have started before the last mark: then one more is needed.
    const needed = this.staleMarks;
    while (this.snapshotCovers < needed) await this.refreshNow();
    if (this.snapshot && Date.now() - this.snapshot.takenAt > SNAPSHOT_MAX_AGE_MS) {
      this.refreshing ??= this.deps
        .enqueue(() => this.refreshSnapshot())
        .finally(() => {
          this.refreshing = undefined;
        });
    }
    return this.searchable();
  }

  /** Builds a missing text index and pins the latest version; searches needing it at once share one. */
  private refreshNow(): Promise<void> {
    this.refreshingNow ??= this.deps
      .enqueue(async () => {
        const covers = this.staleMarks;
        await this.ensureTextIndex();
        await this.refreshSnapshot();
        this.snapshotCovers = covers;
      })
      .finally(() => {
        this.refreshingNow = undefined;
      });
    return this.refreshingNow;
  }

  /** The pinned version, unless it has nothing to search. */
  private searchable(): Snapshot | undefined {
    return this.snapshot?.rows === 0 ? undefined : this.snapshot;
  }

  /**
   * Records first, passages second: a document's new passages are committed before its record,
   * so whatever generation a record read here names is in the version pinned after it. Inside
   * the write queue, so this process's writes never fall between the two.
   */
  private async refreshSnapshot(): Promise<void> {
    const generations = new Map<string, string>();
    for (const d of (await this.deps.records()).values())
      if (d.tenantId === this.deps.tenantId) generations.set(d.docId, d.generation);
    const table = await this.deps.db.openTable(this.name);
    await table.checkout(await table.version());
    const previous = this.snapshot?.table;
    // An empty table may have no usable text index; there is nothing to search anyway.
    this.snapshot = { table, takenAt: Date.now(), rows: await table.countRows(), generations };
    // Searches already running on the previous handle hold their own reference; close it later.
    setTimeout(() => previous?.close(), 60_000).unref();
  }
}

/**
 * The best `limit` rows of the generation their document's record points at. Others (a write
 * that failed between its two commits, an older version not yet deleted) are skipped, and more
 * are read to make up for them.
 */
async function currentRows(
  read: (limit: number) => Promise<Row[]>,
  limit: number,
  generations: ReadonlyMap<string, string>,
): Promise<Row[]> {
  const isCurrent = (r: Row) => generations.get(String(r.doc_id)) === String(r.generation);
  const rows = await read(limit);
  if (rows.every(isCurrent)) return rows;
  const more = rows.length < limit ? rows : await read(limit * OVERFETCH);
  return more.filter(isCurrent).slice(0, limit);
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
