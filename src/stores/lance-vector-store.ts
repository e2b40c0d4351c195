import * as lancedb from '@lancedb/lancedb';
import { assertAudience } from '../core/scope.js';
import type { Chunk, DocumentRecord, Passage, Scope, SearchRequest } from '../core/types.js';
import { maintainChunkIndexes } from './lance-maintenance.js';
import { chunkSchema, documentSchema, metaSchema, sqlString } from './lance-schema.js';
import { embedderMismatch } from './memory-vector-store.js';
import { serialQueue } from './serial.js';
import type { EmbedderIdentity, VectorStore } from './vector-store.js';

type Row = Record<string, unknown>;

const TEXT_INDEX = 'text_idx';
// Writes by other processes become visible to searches here within this time.
const SNAPSHOT_MAX_AGE_MS = 5_000;

/** LanceDB in a local directory or on object storage: `chunks`, `documents` and a one-row-per-key `meta`. */
export class LanceVectorStore implements VectorStore {
  private chunks?: lancedb.Table;
  private reranker?: lancedb.rerankers.RRFReranker;
  private hasTextIndex = false;
  private snapshot?: { table: lancedb.Table; takenAt: number };
  private refreshing?: Promise<void>;
  private readonly writes = serialQueue();

  private constructor(
    private readonly db: lancedb.Connection,
    private readonly documents: lancedb.Table,
    private readonly meta: lancedb.Table,
  ) {}

  static async open(uri: string): Promise<LanceVectorStore> {
    const db = await lancedb.connect(uri);
    const documents = await db.createEmptyTable('documents', documentSchema, { existOk: true });
    const meta = await db.createEmptyTable('meta', metaSchema, { existOk: true });
    const store = new LanceVectorStore(db, documents, meta);
    if ((await db.tableNames()).includes('chunks')) store.chunks = await db.openTable('chunks');
    return store;
  }

  async bindEmbedder(embedder: EmbedderIdentity): Promise<void> {
    await this.writes(async () => {
      const rows = await this.meta.query().where("key = 'embedder'").toArray();
      const stored = rows[0] ? (JSON.parse(String(rows[0].value)) as EmbedderIdentity) : undefined;
      if (stored && (stored.id !== embedder.id || stored.dimension !== embedder.dimension)) {
        throw embedderMismatch(stored, embedder);
      }
      if (!stored) {
        const value = JSON.stringify({ id: embedder.id, dimension: embedder.dimension });
        await this.meta.add([{ key: 'embedder', value }]);
      }
      this.chunks ??= await this.db.createEmptyTable('chunks', chunkSchema(embedder.dimension), {
        existOk: true,
      });
    });
  }

  async getDocument(tenantId: string, docId: string): Promise<DocumentRecord | undefined> {
    const rows = await this.documents
      .query()
      .where(`doc_id = ${sqlString(docId)} AND tenant_id = ${sqlString(tenantId)}`)
      .limit(1)
      .toArray();
    return rows[0] ? toDocument(rows[0]) : undefined;
  }

  async replaceDocument(doc: DocumentRecord, chunks: Chunk[]): Promise<void> {
    const table = this.requireChunks();
    const now = new Date().toISOString();
    const rows = chunks.map((c) => ({
      chunk_id: c.chunkId,
      doc_id: doc.docId,
      tenant_id: doc.tenantId,
      scope: doc.scope,
      source: doc.source,
      title: doc.title,
      content_hash: doc.contentHash,
      position: c.position,
      text: c.text,
      vector: Array.from(c.vector),
      created_at: now,
    }));
    await this.writes(async () => {
      // One merge commit inserts the new passages and deletes the document's old ones, so a
      // concurrent search sees either version whole.
      await table
        .mergeInsert('chunk_id')
        .whenMatchedUpdateAll()
        .whenNotMatchedInsertAll()
        .whenNotMatchedBySourceDelete({ where: `doc_id = ${sqlString(doc.docId)}` })
        .execute(rows);
      await this.documents
        .mergeInsert('doc_id')
        .whenMatchedUpdateAll()
        .whenNotMatchedInsertAll()
        .execute([fromDocument(doc)]);
      await this.ensureTextIndex(table);
      await this.refreshSnapshot();
    });
  }

  async deleteDocument(tenantId: string, docId: string): Promise<DocumentRecord | undefined> {
    return this.writes(async () => {
      const doc = await this.getDocument(tenantId, docId);
      if (!doc) return undefined;
      const filter = `doc_id = ${sqlString(docId)} AND tenant_id = ${sqlString(tenantId)}`;
      await this.documents.delete(filter);
      if (this.chunks) {
        await this.chunks.delete(filter);
        await this.ensureTextIndex(this.chunks);
        await this.refreshSnapshot();
      }
      return doc;
    });
  }

  async listDocuments(tenantId: string): Promise<DocumentRecord[]> {
    const rows = await this.documents
      .query()
      .where(`tenant_id = ${sqlString(tenantId)}`)
      .toArray();
    return rows.map(toDocument).sort((a, b) => a.source.localeCompare(b.source));
  }

  async search(request: SearchRequest): Promise<Passage[]> {
    assertAudience(request.audience);
    const table = await this.readSnapshot();
    if (!table) return [];
    const filter = audienceFilter(request.audience.tenantId, request.audience.scopes);
    const mode = request.mode ?? 'hybrid';
    // Fusion needs more than k candidates from each side to reorder them meaningfully.
    const depth = Math.max(request.k * 4, 20);
    const columns = ['chunk_id', 'doc_id', 'title', 'source', 'text', 'position'];
    const vectorQuery = () =>
      table
        .query()
        .nearestTo(request.vector)
        .distanceType('cosine')
        .nprobes(20)
        .refineFactor(5)
        .where(filter);
    let rows: Row[];
    if (mode === 'vector') {
      rows = await vectorQuery().select(columns).limit(request.k).toArray();
    } else if (mode === 'bm25') {
      rows = await this.requireChunks()
        .query()
        .fullTextSearch(request.text)
        .where(filter)
        .limit(request.k)
        .toArray();
    } else {
      this.reranker ??= await lancedb.rerankers.RRFReranker.create(60);
      rows = (
        await vectorQuery().fullTextSearch(request.text).rerank(this.reranker).limit(depth).toArray()
      ).slice(0, request.k);
    }
    return rows.map((r) => toPassage(r, mode));
  }

  async maintain(): Promise<void> {
    const table = this.chunks;
    if (table) await this.writes(() => maintainChunkIndexes(table));
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

  /**
   * BM25 queries fail without an FTS index, so the first write creates it; later rows are folded
   * in by maintain(). LanceDB stops searching unindexed rows once every indexed row is gone (as
   * after replacing the only document), so an index that covers nothing is rebuilt.
   */
  private async ensureTextIndex(table: lancedb.Table): Promise<void> {
    const stats = this.hasTextIndex ? await table.indexStats(TEXT_INDEX) : undefined;
    if (this.hasTextIndex && (stats?.numIndexedRows ?? 0) > 0) return;
    if ((await table.countRows()) === 0) return;
    await table.createIndex('text', { config: lancedb.Index.fts(), replace: true });
    this.hasTextIndex = true;
  }

  /**
   * Searches read a handle pinned to one committed version. LanceDB's hybrid query runs its vector
   * and full-text halves separately; on a moving table they could straddle a commit and mix a
   * document's old and new passages.
   */
  private async readSnapshot(): Promise<lancedb.Table | undefined> {
    if (!this.chunks) return undefined;
    if (!this.snapshot) await this.writes(() => this.refreshSnapshot());
    else if (Date.now() - this.snapshot.takenAt > SNAPSHOT_MAX_AGE_MS) {
      this.refreshing ??= this.writes(() => this.refreshSnapshot()).finally(() => {
        this.refreshing = undefined;
      });
    }
    return this.snapshot?.table;
  }

  private async refreshSnapshot(): Promise<void> {
    const table = await this.db.openTable('chunks');
    await table.checkout(await table.version());
    const previous = this.snapshot?.table;
    this.snapshot = { table, takenAt: Date.now() };
    // Searches already running on the previous handle keep their own reference to it.
    setTimeout(() => previous?.close(), 60_000).unref();
  }

  private requireChunks(): lancedb.Table {
    if (!this.chunks) throw new Error('bindEmbedder() must be called before writing passages');
    return this.chunks;
  }
}

function audienceFilter(tenantId: string, scopes: Scope[]): string {
  return `tenant_id = ${sqlString(tenantId)} AND scope IN (${scopes.map(sqlString).join(', ')})`;
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

function toDocument(r: Row): DocumentRecord {
  return {
    docId: String(r.doc_id),
    tenantId: String(r.tenant_id),
    scope: String(r.scope) as Scope,
    source: String(r.source),
    title: String(r.title),
    contentHash: String(r.content_hash),
    passages: Number(r.passages),
    embedder: String(r.embedder),
    updatedAt: String(r.updated_at),
  };
}

function fromDocument(d: DocumentRecord): Row {
  return {
    doc_id: d.docId,
    tenant_id: d.tenantId,
    scope: d.scope,
    source: d.source,
    title: d.title,
    content_hash: d.contentHash,
    passages: d.passages,
    embedder: d.embedder,
    updated_at: d.updatedAt,
  };
}
