import { access, constants } from 'node:fs/promises';
import * as lancedb from '@lancedb/lancedb';
import { assertAudience, assertTenant } from '../core/scope.js';
import type { Chunk, DocumentRecord, Passage, SearchRequest } from '../core/types.js';
import {
  type ChunkRow,
  chunkSchema,
  documentSchema,
  metaSchema,
  sqlString,
  toDocument,
} from './lance-schema.js';
import { TenantChunks } from './lance-tenant-chunks.js';
import { ensureLanceCpuThreads } from './lance-threads.js';
import { embedderMismatch } from './memory-vector-store.js';
import { serialQueue } from './serial.js';
import { BoundedMap } from './trim-oldest.js';
import type { EmbedderIdentity, VectorStore } from './vector-store.js';

const CHUNKS_PREFIX = 'chunks__';
// Documents written by other processes appear in listings and idempotency checks within this time.
const DOCUMENT_INDEX_MAX_AGE_MS = 5_000;
// A tenant without passages is looked for again after this long: its table may be created by
// another process sharing the data directory.
const ABSENT_TENANT_RECHECK_MS = 1_000;

/**
 * LanceDB in a local directory or on object storage: one `chunks__<tenant>` table of passages
 * per tenant, a shared `documents` table, and a key/value `meta` table.
 */
export class LanceVectorStore implements VectorStore {
  private dimension = 0;
  private readonly tenants = new Map<string, TenantChunks>();
  /** Tenants found without a passage table, and until when that answer stands. */
  private readonly absentTenants = new BoundedMap<string, number>(10_000);
  // The documents table is small (a row per document) and read on every ingestion; keep it in memory.
  private documentIndex?: { byId: Map<string, DocumentRecord>; loadedAt: number };
  // One writer for every table of this store: LanceDB commits from one process must not race.
  private readonly writes = serialQueue();

  private constructor(
    private readonly uri: string,
    private readonly db: lancedb.Connection,
    private readonly documents: lancedb.Table,
    private readonly meta: lancedb.Table,
    private readonly searches: boolean,
  ) {}

  /**
   * `searches: false` for a connection that only writes (the main thread of `docent serve`, whose
   * answer thread searches on a connection of its own): it never loads indexes into memory.
   */
  static async open(uri: string, options: { searches?: boolean } = {}): Promise<LanceVectorStore> {
    ensureLanceCpuThreads();
    const db = await lancedb.connect(uri);
    const documents = await db.createEmptyTable('documents', documentSchema, { existOk: true });
    const meta = await db.createEmptyTable('meta', metaSchema, { existOk: true });
    return new LanceVectorStore(uri, db, documents, meta, options.searches ?? true);
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
    });
  }

  async getDocument(tenantId: string, docId: string): Promise<DocumentRecord | undefined> {
    const doc = (await this.loadDocumentIndex()).get(docId);
    return doc?.tenantId === tenantId ? { ...doc } : undefined;
  }

  async replaceDocument(doc: DocumentRecord, chunks: Chunk[]): Promise<void> {
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
    const tenant = await this.tenant(doc.tenantId, true);
    return (tenant as TenantChunks).write(doc, rows);
  }

  async deleteDocument(tenantId: string, docId: string): Promise<DocumentRecord | undefined> {
    const tenant = await this.tenant(tenantId, false);
    return this.writes(async () => {
      const doc = await this.getDocument(tenantId, docId);
      if (!doc) return undefined;
      const filter = `doc_id = ${sqlString(docId)} AND tenant_id = ${sqlString(tenantId)}`;
      await this.documents.delete(filter);
      this.documentIndex?.byId.delete(docId);
      await tenant?.delete(filter);
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
    const tenant = await this.existingTenant(request.audience.tenantId);
    return tenant ? tenant.search(request) : [];
  }

  /**
   * The tenant's passage table if it has one. A question from a workspace that has ingested
   * nothing must not wait behind another workspace's ingestion (the write queue) to learn that,
   * nor list the data directory on every question.
   */
  private async existingTenant(tenantId: string): Promise<TenantChunks | undefined> {
    const known = this.tenants.get(tenantId);
    if (known) return known;
    assertTenant(tenantId);
    const absentUntil = this.absentTenants.get(tenantId);
    if (absentUntil !== undefined && Date.now() < absentUntil) return undefined;
    if (!(await this.db.tableNames()).includes(`${CHUNKS_PREFIX}${tenantId}`)) {
      this.absentTenants.set(tenantId, Date.now() + ABSENT_TENANT_RECHECK_MS);
      return undefined;
    }
    return this.tenant(tenantId, false);
  }

  /**
   * Another writer (a thread or process sharing the data) changed the tenant's passages, or every
   * tenant's when none is named (after maintenance): the next search reads them.
   */
  refresh(tenantId?: string): void {
    if (tenantId === undefined) {
      this.absentTenants.clear();
      for (const tenant of this.tenants.values()) tenant.markStale();
      return;
    }
    this.absentTenants.delete(tenantId);
    this.tenants.get(tenantId)?.markStale();
  }

  /**
   * Opens every tenant's table and loads its indexes: a connection that only searches (the
   * answer thread's) would otherwise make each tenant's first question wait for the disk.
   */
  async warm(): Promise<void> {
    for (const tenant of await this.openAllTenants()) await tenant.warm();
  }

  async maintain(): Promise<void> {
    await this.openAllTenants();
    await this.writes(async () => {
      for (const tenant of this.tenants.values()) await tenant.maintain({ loadIndexes: this.searches });
      await this.documents.optimize({ cleanupOlderThan: new Date(Date.now() - 10 * 60_000) });
    });
  }

  async close(): Promise<void> {
    await this.writes(async () => {
      for (const tenant of this.tenants.values()) tenant.close();
      this.documents.close();
      this.meta.close();
      this.db.close();
    });
  }

  /** Every tenant's passage table in the data, opened. */
  private async openAllTenants(): Promise<TenantChunks[]> {
    const opened: TenantChunks[] = [];
    for (const name of await this.db.tableNames()) {
      if (!name.startsWith(CHUNKS_PREFIX)) continue;
      const tenant = await this.tenant(name.slice(CHUNKS_PREFIX.length), false);
      if (tenant) opened.push(tenant);
    }
    return opened;
  }

  /** The tenant's passage table: opened when it exists, created on the first write. */
  private async tenant(tenantId: string, create: boolean): Promise<TenantChunks | undefined> {
    const known = this.tenants.get(tenantId);
    if (known) return known;
    assertTenant(tenantId);
    if (this.dimension === 0) throw new Error('bindEmbedder() must be called before using passages');
    return this.writes(async () => {
      const again = this.tenants.get(tenantId);
      if (again) return again;
      const name = `${CHUNKS_PREFIX}${tenantId}`;
      const exists = (await this.db.tableNames()).includes(name);
      if (!exists && !create) return undefined;
      const table = exists
        ? await this.db.openTable(name)
        : await this.db.createEmptyTable(name, chunkSchema(this.dimension), { existOk: true });
      const tenant = new TenantChunks(name, table, {
        db: this.db,
        documents: this.documents,
        dimension: this.dimension,
        enqueue: this.writes,
        isStored: async (docId) => (await this.loadDocumentIndex()).has(docId),
        onCommitted: async (docs) => {
          const index = await this.loadDocumentIndex();
          for (const d of docs) index.set(d.docId, { ...d });
        },
      });
      this.tenants.set(tenantId, tenant);
      this.absentTenants.delete(tenantId);
      return tenant;
    });
  }

  private async loadDocumentIndex(): Promise<Map<string, DocumentRecord>> {
    if (!this.documentIndex || Date.now() - this.documentIndex.loadedAt > DOCUMENT_INDEX_MAX_AGE_MS) {
      const rows = await this.documents.query().toArray();
      this.documentIndex = {
        byId: new Map(rows.map((r) => [String(r.doc_id), toDocument(r)])),
        loadedAt: Date.now(),
      };
    }
    return this.documentIndex.byId;
  }
}
