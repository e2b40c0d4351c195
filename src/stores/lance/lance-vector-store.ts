import { randomBytes } from 'node:crypto';
import { access, constants } from 'node:fs/promises';
import * as lancedb from '@lancedb/lancedb';
import { LRUCache } from 'lru-cache';
import type { EmbedderIdentity, VectorStore } from '../../core/ports/vector-store.js';
import { assertAudience, assertTenant } from '../../core/scope.js';
import { searchableText } from '../../core/searchable-text.js';
import type { Chunk, DocumentRecord, Passage, SearchRequest } from '../../core/types.js';
import { embedderMismatch } from '../memory/memory-vector-store.js';
import { CommitCompaction, KEEP_VERSIONS_MS } from './lance-compaction.js';
import { LanceDocumentIndex, withoutGeneration } from './lance-document-index.js';
import { readDocumentPassages } from './lance-document-passages.js';
import {
  type ChunkRow,
  chunkSchema,
  documentSchema,
  documentsToArrow,
  metaSchema,
  type StoredDocument,
  sqlString,
  toDocument,
  upgradeChunkTable,
  upgradeDocumentTable,
} from './lance-schema.js';
import { TenantChunks } from './lance-tenant-chunks.js';
import { ensureLanceCpuThreads } from './lance-threads.js';
import { runAtOnce, serialQueue, type TaskRunner } from './serial.js';

const CHUNKS_PREFIX = 'chunks__';
// Passages without a record are removed by maintain() once this old: a younger one may belong to
// a write another process is between the commits of.
const ORPHAN_GRACE_MS = 10 * 60_000;
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
  /**
   * Tenants found without a passage table: until when that answer stands, and the knowledge
   * versions it was found at (another process's first ingestion changes them).
   */
  private readonly absentTenants = new LRUCache<string, { until: number; versions: string }>({
    max: 10_000,
  });
  private readonly documentIndex: LanceDocumentIndex;
  private readonly documentsCompaction: CommitCompaction;
  // One writer for every table of this store: LanceDB commits from one process must not race.
  private readonly writes = serialQueue();

  protected constructor(
    private readonly uri: string,
    private readonly db: lancedb.Connection,
    private readonly documents: lancedb.Table,
    private readonly meta: lancedb.Table,
    /** Around each commit: with several instances, one at a time across all of them. */
    private readonly exclusive: TaskRunner = runAtOnce,
  ) {
    this.documentIndex = new LanceDocumentIndex(db);
    this.documentsCompaction = new CommitCompaction(documents);
  }

  /**
   * `storageOptions`: the object store's settings (endpoint, credentials…), as LanceDB names them.
   * `exclusive`: runs a commit while no other instance writes to the same database.
   */
  static async open(
    uri: string,
    options: { storageOptions?: Record<string, string>; exclusive?: TaskRunner } = {},
  ): Promise<LanceVectorStore> {
    const { storageOptions } = options;
    ensureLanceCpuThreads();
    const db = await lancedb.connect(uri, storageOptions ? { storageOptions } : undefined);
    // Opened, not created, when it exists: a table an older version wrote has fewer columns.
    const documents = (await db.tableNames()).includes('documents')
      ? await db.openTable('documents')
      : await db.createEmptyTable('documents', documentSchema, { existOk: true });
    await upgradeDocumentTable(documents);
    const meta = await db.createEmptyTable('meta', metaSchema, { existOk: true });
    // `this`: a subclass (a test's, failing some writes) is opened the same way.
    return new this(uri, db, documents, meta, options.exclusive);
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
    const doc = (await this.documentIndex.get()).get(docId);
    return doc?.tenantId === tenantId ? withoutGeneration(doc) : undefined;
  }

  async replaceDocument(doc: DocumentRecord, chunks: Chunk[]): Promise<void> {
    const now = new Date().toISOString();
    // New every write: a retry after a failure never mixes with what the failed write left.
    const generation = randomBytes(8).toString('hex');
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
      generation,
      context: c.context ?? doc.title,
      search_text: searchableText(c.context ?? doc.title, c.text),
    }));
    const tenant = await this.tenant(doc.tenantId, true);
    return (tenant as TenantChunks).write({ ...doc, generation }, rows);
  }

  /**
   * Commits document records, inside the write queue: this is the moment a write takes effect.
   * Until it does, the new passages are written but never searched.
   */
  protected async writeDocumentRecords(docs: StoredDocument[], anyStored: boolean): Promise<void> {
    const table = documentsToArrow(docs);
    // Another instance's records since this handle's version must be matched, not added again.
    await this.documents.checkoutLatest();
    // New documents only: an append needs no join against the whole table.
    if (!anyStored) await this.documents.add(table);
    else
      await this.documents
        .mergeInsert('doc_id')
        .whenMatchedUpdateAll()
        .whenNotMatchedInsertAll()
        .execute(table);
  }

  /**
   * These documents' records as stored now, inside the write queue: only their rows are read, not
   * the whole table, so a commit or a deletion does not cost more as the library grows.
   */
  private async storedRecords(docIds: string[]): Promise<Map<string, StoredDocument>> {
    // The writing handle stays on its own last commit: another instance's records must be seen.
    await this.documents.checkoutLatest();
    const rows = await this.documents
      .query()
      .where(`doc_id IN (${docIds.map(sqlString).join(', ')})`)
      .toArray();
    return new Map(rows.map((r) => [String(r.doc_id), toDocument(r)]));
  }

  async deleteDocument(tenantId: string, docId: string): Promise<DocumentRecord | undefined> {
    const tenant = await this.tenant(tenantId, false);
    return this.writes(() =>
      this.exclusive(async () => {
        // As stored now: another instance may have added it moments ago.
        const stored = (await this.storedRecords([docId])).get(docId);
        if (stored?.tenantId !== tenantId) return undefined;
        const doc = withoutGeneration(stored);
        const filter = `doc_id = ${sqlString(docId)} AND tenant_id = ${sqlString(tenantId)}`;
        // A deletion reads its handle's version: rows another instance added since must be in it.
        await this.documents.checkoutLatest();
        await this.documents.delete(filter);
        this.documentIndex.deleted(docId);
        await this.documentsCompaction.committed();
        await tenant?.delete(filter);
        return doc;
      }),
    );
  }

  async listDocuments(tenantId: string): Promise<DocumentRecord[]> {
    const all = [...(await this.documentIndex.get()).values()];
    return all
      .filter((d) => d.tenantId === tenantId)
      .map(withoutGeneration)
      .sort((a, b) => a.source.localeCompare(b.source));
  }

  async documentPassages(tenantId: string, docId: string): Promise<Passage[]> {
    assertTenant(tenantId);
    const doc = (await this.documentIndex.get(0)).get(docId);
    if (doc?.tenantId !== tenantId) return [];
    return readDocumentPassages(this.db, `${CHUNKS_PREFIX}${tenantId}`, doc);
  }

  async search(request: SearchRequest): Promise<Passage[]> {
    assertAudience(request.audience);
    const tenant = await this.existingTenant(request.audience.tenantId, String(request.knowledgeVersions));
    return tenant ? tenant.search(request) : [];
  }

  /**
   * The tenant's passage table if it has one. A question from a workspace that has ingested
   * nothing must not wait behind another workspace's ingestion (the write queue) to learn that,
   * nor list the data directory on every question.
   */
  private async existingTenant(tenantId: string, versions: string): Promise<TenantChunks | undefined> {
    const known = this.tenants.get(tenantId);
    if (known) return known;
    assertTenant(tenantId);
    const absent = this.absentTenants.get(tenantId);
    if (absent && Date.now() < absent.until && absent.versions === versions) return undefined;
    if (!(await this.db.tableNames()).includes(`${CHUNKS_PREFIX}${tenantId}`)) {
      this.absentTenants.set(tenantId, { until: Date.now() + ABSENT_TENANT_RECHECK_MS, versions });
      return undefined;
    }
    return this.tenant(tenantId, false);
  }

  async maintain(): Promise<void> {
    await this.openAllTenants();
    // Not in turn with other instances: index builds can take minutes, and orphans are old enough
    // to belong to no write in progress.
    await this.writes(async () => {
      const orphansBefore = new Date(Date.now() - ORPHAN_GRACE_MS);
      for (const tenant of this.tenants.values()) await tenant.maintain({ orphansBefore });
      // Compacting from a version behind other processes' commits conflicts with them.
      await this.documents.checkoutLatest();
      await this.documents.optimize({ cleanupOlderThan: new Date(Date.now() - KEEP_VERSIONS_MS) });
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
      if (exists) await upgradeChunkTable(table);
      const tenant = new TenantChunks(name, table, {
        tenantId,
        db: this.db,
        dimension: this.dimension,
        enqueue: this.writes,
        exclusive: this.exclusive,
        storedAmong: async (docIds) => new Set((await this.storedRecords(docIds)).keys()),
        writeRecords: (docs, anyStored) => this.writeDocumentRecords(docs, anyStored),
        records: () => this.documentIndex.get(0),
        onCommitted: async (docs) => {
          await this.documentIndex.committed(docs);
          await this.documentsCompaction.committed();
        },
      });
      this.tenants.set(tenantId, tenant);
      this.absentTenants.delete(tenantId);
      return tenant;
    });
  }
}
