import { access, constants } from 'node:fs/promises';
import * as lancedb from '@lancedb/lancedb';
import { assertAudience } from '../core/scope.js';
import type { Chunk, DocumentRecord, Passage, SearchRequest } from '../core/types.js';
import { LanceBatchWriter } from './lance-batch-writer.js';
import { maintainChunkIndexes } from './lance-maintenance.js';
import {
  type ChunkRow,
  chunkSchema,
  documentSchema,
  metaSchema,
  sqlString,
  toDocument,
} from './lance-schema.js';
import { embedderMismatch } from './memory-vector-store.js';
import { hybridFusion } from './rank-fusion.js';
import { serialQueue } from './serial.js';
import type { EmbedderIdentity, VectorStore } from './vector-store.js';

type Row = Record<string, unknown>;

const TEXT_INDEX = 'text_idx';
// A tenant filter prunes most of the HNSW graph, and scalar-quantised distances are coarse: a wide
// candidate list re-ranked on full vectors lifts filtered recall@10 from ~0.7 to ~0.99 for a few
// ms more. Measured by `npm run bench:retrieve` (BENCHMARKS.md).
const HNSW_EF = 1500;
const REFINE_FACTOR = 20;
// Writes by other processes become visible here within this time.
const SNAPSHOT_MAX_AGE_MS = 5_000;

/** LanceDB in a local directory or on object storage: `chunks`, `documents` and a key/value `meta`. */
export class LanceVectorStore implements VectorStore {
  private chunks?: lancedb.Table;
  private dimension = 0;
  private writer?: LanceBatchWriter;
  private hasTextIndex = false;
  /** Set by every local write: the next search refreshes indexes and its pinned version first. */
  private stale = true;
  private snapshot?: { table: lancedb.Table; takenAt: number; empty: boolean };
  private refreshing?: Promise<void>;
  // The documents table is small (a row per document) and read on every ingestion; keep it in memory.
  private documentIndex?: Map<string, DocumentRecord>;
  private readonly writes = serialQueue();

  private constructor(
    private readonly uri: string,
    private readonly db: lancedb.Connection,
    private readonly documents: lancedb.Table,
    private readonly meta: lancedb.Table,
  ) {}

  static async open(uri: string): Promise<LanceVectorStore> {
    const db = await lancedb.connect(uri);
    const documents = await db.createEmptyTable('documents', documentSchema, { existOk: true });
    const meta = await db.createEmptyTable('meta', metaSchema, { existOk: true });
    return new LanceVectorStore(uri, db, documents, meta);
  }

  async healthCheck(): Promise<void> {
    await this.db.tableNames();
    // A local directory that became read-only (full disk, lost volume) fails every ingestion.
    if (!this.uri.includes('://')) await access(this.uri, constants.W_OK);
  }

  async bindEmbedder(embedder: EmbedderIdentity): Promise<void> {
    await this.writes(async () => {
      const rows = await this.meta.query().where("key = 'embedder'").toArray();
      const stored = rows[0] ? (JSON.parse(String(rows[0].value)) as EmbedderIdentity) : undefined;
      if (stored && (stored.id !== embedder.id || stored.dimension !== embedder.dimension)) {
        throw embedderMismatch(stored, embedder);
      }
      if (!stored)
        await this.meta.add([
          { key: 'embedder', value: JSON.stringify({ id: embedder.id, dimension: embedder.dimension }) },
        ]);
      this.dimension = embedder.dimension;
      this.chunks ??= await this.db.createEmptyTable('chunks', chunkSchema(embedder.dimension), {
        existOk: true,
      });
    });
  }

  async getDocument(tenantId: string, docId: string): Promise<DocumentRecord | undefined> {
    const doc = (await this.loadDocumentIndex()).get(docId);
    return doc?.tenantId === tenantId ? { ...doc } : undefined;
  }

  replaceDocument(doc: DocumentRecord, chunks: Chunk[]): Promise<void> {
    const now = new Date().toISOString();
    const rows: ChunkRow[] = chunks.map((c) => ({
      chunk_id: c.chunkId,
      doc_id: doc.docId,
      tenant_id: doc.tenantId,
      scope: doc.scope,
      source: doc.source,
      title: doc.title,
      content_hash: doc.contentHash,
      position: c.position,
      text: c.text,
      vector: c.vector instanceof Float32Array ? c.vector : Float32Array.from(c.vector),
      created_at: now,
    }));
    return this.batchWriter().write(doc, rows);
  }

  async deleteDocument(tenantId: string, docId: string): Promise<DocumentRecord | undefined> {
    return this.writes(async () => {
      const doc = await this.getDocument(tenantId, docId);
      if (!doc) return undefined;
      const filter = `doc_id = ${sqlString(docId)} AND tenant_id = ${sqlString(tenantId)}`;
      await this.documents.delete(filter);
      this.documentIndex?.delete(docId);
      const table = this.requireChunks();
      await table.delete(filter);
      this.stale = true;
      return doc;
    });
  }

  async listDocuments(tenantId: string): Promise<DocumentRecord[]> {
    const all = [...(await this.loadDocumentIndex()).values()];
    return all
      .filter((d) => d.tenantId === tenantId)
      .map((d) => ({ ...d }))
      .sort((a, b) => a.source.localeCompare(b.source));
  }

  async search(request: SearchRequest): Promise<Passage[]> {
    assertAudience(request.audience);
    const table = await this.readSnapshot();
    if (!table) return [];
    const filter = `tenant_id = ${sqlString(request.audience.tenantId)} AND scope IN (${request.audience.scopes.map(sqlString).join(', ')})`;
    const mode = request.mode ?? 'hybrid';
    const columns = ['chunk_id', 'doc_id', 'title', 'source', 'text', 'position'];
    const vectorQuery = () =>
      table
        .query()
        .nearestTo(request.vector)
        .distanceType('cosine')
        .nprobes(20)
        .ef(HNSW_EF)
        .refineFactor(REFINE_FACTOR)
        .where(filter);
    const textQuery = () => table.query().fullTextSearch(request.text).where(filter).select(columns);
    let rows: Row[];
    if (mode === 'vector') rows = await vectorQuery().select(columns).limit(request.k).toArray();
    else if (mode === 'bm25') rows = await textQuery().limit(request.k).toArray();
    else {
      // Both halves read the same pinned version, so fusing them here is consistent; doing it in
      // our code lets the two rankings carry different weights.
      const depth = Math.max(request.k * 4, 20);
      const [byVector, byText] = await Promise.all([
        vectorQuery().select(columns).limit(depth).toArray(),
        textQuery().limit(depth).toArray(),
      ]);
      const fused = hybridFusion(byVector, byText, (r) => String(r.chunk_id)).slice(0, request.k);
      rows = fused.map(({ item, score }) => ({ ...item, _relevance_score: score }));
    }
    return rows.map((r) => toPassage(r, mode));
  }

  async maintain(): Promise<void> {
    const table = this.chunks;
    if (!table) return;
    await this.writes(async () => {
      await maintainChunkIndexes(table);
      await this.documents.optimize({ cleanupOlderThan: new Date(Date.now() - 10 * 60_000) });
      await this.refreshSnapshot();
    });
  }

  async close(): Promise<void> {
    await this.writes(async () => {
      this.chunks?.close();
      this.snapshot?.table.close();
      this.documents.close();
      this.meta.close();
      this.db.close();
    });
  }

  private batchWriter(): LanceBatchWriter {
    const chunks = this.requireChunks();
    this.writer ??= new LanceBatchWriter({
      chunks,
      documents: this.documents,
      dimension: this.dimension,
      enqueue: this.writes,
      isStored: async (docId) => (await this.loadDocumentIndex()).has(docId),
      afterCommit: async (docs) => {
        const index = await this.loadDocumentIndex();
        for (const d of docs) index.set(d.docId, { ...d });
        // Readers refresh on their next search; bulk ingestion pays nothing per commit.
        this.stale = true;
      },
    });
    return this.writer;
  }

  private async loadDocumentIndex(): Promise<Map<string, DocumentRecord>> {
    if (!this.documentIndex) {
      const rows = await this.documents.query().toArray();
      this.documentIndex = new Map(rows.map((r) => [String(r.doc_id), toDocument(r)]));
    }
    return this.documentIndex;
  }

  /**
   * BM25 queries fail without an FTS index, so the first write creates it; later rows are folded
   * in by maintain(). LanceDB stops searching unindexed rows once every indexed row is gone (as
   * after replacing the only document), so an index that covers nothing is rebuilt.
   */
  private async ensureTextIndex(table: lancedb.Table): Promise<void> {
    if (this.hasTextIndex && ((await table.indexStats(TEXT_INDEX))?.numIndexedRows ?? 0) > 0) return;
    if ((await table.countRows()) === 0) return;
    await table.createIndex('text', { config: lancedb.Index.fts(), replace: true });
    this.hasTextIndex = true;
  }

  /**
   * Searches read a handle pinned to one committed version: the vector and full-text halves of a
   * hybrid search run as two queries, and on a moving table they could straddle a commit and mix
   * a document's old and new passages.
   */
  private async readSnapshot(): Promise<lancedb.Table | undefined> {
    const chunks = this.chunks;
    if (!chunks) return undefined;
    if (!this.snapshot || this.stale) {
      await this.writes(async () => {
        if (!this.stale && this.snapshot) return;
        this.stale = false;
        await this.ensureTextIndex(chunks);
        await this.refreshSnapshot();
      });
    } else if (Date.now() - this.snapshot.takenAt > SNAPSHOT_MAX_AGE_MS) {
      this.refreshing ??= this.writes(async () => {
        this.documentIndex = undefined;
        await this.refreshSnapshot();
      }).finally(() => {
        this.refreshing = undefined;
      });
    }
    return this.snapshot?.empty ? undefined : this.snapshot?.table;
  }

  private async refreshSnapshot(): Promise<void> {
    const table = await this.db.openTable('chunks');
    await table.checkout(await table.version());
    const previous = this.snapshot?.table;
    // An empty table may have no usable text index; there is nothing to search anyway.
    this.snapshot = { table, takenAt: Date.now(), empty: (await table.countRows()) === 0 };
    // Searches already running on the previous handle hold their own reference; close it later.
    setTimeout(() => previous?.close(), 60_000).unref();
  }

  private requireChunks(): lancedb.Table {
    if (!this.chunks) throw new Error('bindEmbedder() must be called before writing passages');
    return this.chunks;
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
