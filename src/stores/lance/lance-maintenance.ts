import * as lancedb from '@lancedb/lancedb';
import { KEEP_VERSIONS_MS } from './lance-compaction.js';
import { sqlString } from './lance-schema.js';

/** Below this many rows a flat scan is as fast as the index and exact; above it HNSW wins (bench:retrieve). */
export const VECTOR_INDEX_MIN_ROWS = 5_000;
const SCALAR_INDEX_MIN_ROWS = 5_000;
// A denser graph than LanceDB's default of 20 neighbours a node: on a 100,000-passage table it
// reaches recall@10 0.98 at search width 500 where the default reaches 0.87-0.96 at 300-800,
// for ~40% more build time (48 neighbours and width 600 reached 0.98 at 300 but took 2.6 times
// as long to build). Measured with bench:retrieve's generated passages (BENCHMARKS.md).
const HNSW_NEIGHBOURS = 32;
const HNSW_EF_CONSTRUCTION = 300;

/**
 * The full-text index. Without token positions: Docent never asks phrase queries, and the index
 * is then smaller and quicker to build and to search (10,000 passages a table: hybrid search
 * p50 8.9 ms instead of 10.5, built in 55 s instead of 58; BENCHMARKS.md).
 */
export const textIndex = () => lancedb.Index.fts({ withPosition: false });

/** The column full-text search reads (a passage's context and text) and its index's name. */
export const TEXT_INDEX_COLUMN = 'search_text';
export const TEXT_INDEX = `${TEXT_INDEX_COLUMN}_idx`;
// Tables from before passages had a context indexed their bare text.
const FORMER_TEXT_INDEX_COLUMN = 'text';

/** A full-text query on the passages' context and text (a table may also hold the former index). */
export const fullTextQuery = (table: lancedb.Table, query: string) =>
  table.query().fullTextSearch(query, { columns: TEXT_INDEX_COLUMN });

/**
 * Creates the indexes the table has grown into and folds new rows into existing ones.
 * FTS is required for BM25 at any size; unindexed rows are still searched, just more slowly.
 * The full-text index is kept whole around optimize(): see keepTextIndexWhole.
 */
export async function maintainChunkIndexes(table: lancedb.Table): Promise<void> {
  const rows = await table.countRows();
  if (rows === 0) return;
  const indices = await table.listIndices();
  const existing = new Set(indices.map((i) => i.columns.join(',')));
  if (!existing.has(TEXT_INDEX_COLUMN)) await table.createIndex(TEXT_INDEX_COLUMN, { config: textIndex() });
  const former = indices.find((i) => i.columns.join(',') === FORMER_TEXT_INDEX_COLUMN);
  // Another process may have dropped it first.
  if (former) await table.dropIndex(former.name).catch(() => {});
  // Rebuilt first, so optimize() finds no new rows to fold into it.
  await keepTextIndexWhole(table);
  if (rows >= SCALAR_INDEX_MIN_ROWS) {
    if (!existing.has('scope')) await table.createIndex('scope', { config: lancedb.Index.bitmap() });
    if (!existing.has('doc_id')) await table.createIndex('doc_id', { config: lancedb.Index.btree() });
  }
  if (rows >= VECTOR_INDEX_MIN_ROWS && !existing.has('vector')) {
    await table.createIndex('vector', {
      config: lancedb.Index.hnswSq({
        distanceType: 'cosine',
        numPartitions: Math.max(1, Math.round(rows / 100_000)),
        m: HNSW_NEIGHBOURS,
        efConstruction: HNSW_EF_CONSTRUCTION,
      }),
    });
  }
  await table.optimize({ cleanupOlderThan: new Date(Date.now() - KEEP_VERSIONS_MS) });
  // Rows another process committed since the rebuild have just been folded in as a second part.
  await keepTextIndexWhole(table);
}

/**
 * Keeps the full-text index in one part, built over every row: rows added since it was built are
 * folded in by building it again, not by optimize(). optimize() adds them as a second part, and
 * LanceDB 0.31 searching a two-part index missed a new document's passages in about half of fresh
 * processes (each process either always finds them or never does): a file just ingested was found
 * by one `docent ask` and not by the next. Rows not yet indexed are searched by a scan of
 * just those rows, which found them every time, so a new document is searched from the next question
 * on whether or not this has run. A rebuild costs about 1 s per 10,000 passages on two cores.
 */
async function keepTextIndexWhole(table: lancedb.Table): Promise<void> {
  const stats = await table.indexStats(TEXT_INDEX);
  if (!stats || (stats.numUnindexedRows === 0 && (await textIndexParts(table)) <= 1)) return;
  await table.createIndex(TEXT_INDEX_COLUMN, { config: textIndex(), replace: true });
}

/** How many parts a full-text search reads: LanceDB reports it only in an analysed query plan. */
async function textIndexParts(table: lancedb.Table): Promise<number> {
  const plan = await fullTextQuery(table, 'docent').select(['_score']).limit(1).analyzePlan();
  return Number(/partitions_searched=(\d+)/.exec(plan)?.[1] ?? 1);
}

// Orphans are deleted in groups of this many (document, generation) pairs: one filter each.
const ORPHAN_PAIRS_PER_DELETE = 200;

/**
 * Deletes passages that no document record points at: left by a process that stopped between
 * writing a document's passages and its record, or by a cleanup that failed. Only rows written
 * before `before`: younger ones may belong to a write another process is still making.
 * Returns whether anything was deleted.
 */
export async function removeOrphans(
  table: lancedb.Table,
  records: ReadonlyMap<string, { generation: string }>,
  before: Date,
): Promise<boolean> {
  const written = `created_at < ${sqlString(before.toISOString())}`;
  const rows = await table.query().where(written).select(['doc_id', 'generation']).toArray();
  const orphans = new Map<string, string>();
  for (const r of rows) {
    const docId = String(r.doc_id);
    const generation = String(r.generation);
    if (records.get(docId)?.generation !== generation)
      orphans.set(
        `${docId}\u0000${generation}`,
        `(doc_id = ${sqlString(docId)} AND generation = ${sqlString(generation)})`,
      );
  }
  const filters = [...orphans.values()];
  for (let i = 0; i < filters.length; i += ORPHAN_PAIRS_PER_DELETE) {
    const pairs = filters.slice(i, i + ORPHAN_PAIRS_PER_DELETE).join(' OR ');
    await table.delete(`(${pairs}) AND ${written}`);
  }
  return filters.length > 0;
}
