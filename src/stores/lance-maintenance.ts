import * as lancedb from '@lancedb/lancedb';

/** Below this many rows a flat scan is as fast as the index and exact; above it HNSW wins (bench:retrieve). */
export const VECTOR_INDEX_MIN_ROWS = 5_000;
const SCALAR_INDEX_MIN_ROWS = 5_000;
// Old versions are kept this long so readers in other processes can finish their queries.
const KEEP_VERSIONS_MS = 10 * 60_000;

/**
 * Creates the indexes the table has grown into and folds new rows into existing ones.
 * FTS is required for BM25 at any size; unindexed rows are still searched, just more slowly.
 */
export async function maintainChunkIndexes(table: lancedb.Table): Promise<void> {
  const rows = await table.countRows();
  if (rows === 0) return;
  const existing = new Set((await table.listIndices()).map((i) => i.columns.join(',')));
  if (!existing.has('text')) await table.createIndex('text', { config: lancedb.Index.fts() });
  if (rows >= SCALAR_INDEX_MIN_ROWS) {
    if (!existing.has('scope')) await table.createIndex('scope', { config: lancedb.Index.bitmap() });
    if (!existing.has('doc_id')) await table.createIndex('doc_id', { config: lancedb.Index.btree() });
  }
  if (rows >= VECTOR_INDEX_MIN_ROWS && !existing.has('vector')) {
    await table.createIndex('vector', {
      config: lancedb.Index.hnswSq({
        distanceType: 'cosine',
        numPartitions: Math.max(1, Math.round(rows / 100_000)),
      }),
    });
  }
  await table.optimize({ cleanupOlderThan: new Date(Date.now() - KEEP_VERSIONS_MS) });
}
