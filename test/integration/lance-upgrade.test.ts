import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as lancedb from '@lancedb/lancedb';
import { afterEach, expect, it } from 'vitest';
import { documentId, sha256 } from '../../src/core/ingest-document.js';
import { KnowledgeBase } from '../../src/core/knowledge-base.js';
import { searchableText } from '../../src/core/searchable-text.js';
import { embedLocally, LocalEmbedder } from '../../src/ingestion/local-embedder.js';
import { InlinePreparer } from '../../src/ingestion/prepare.js';
import { chunkSchema, documentSchema } from '../../src/stores/lance/lance-schema.js';
import { LanceVectorStore } from '../../src/stores/lance/lance-vector-store.js';

const arrow = createRequire(import.meta.url)('apache-arrow') as typeof import('apache-arrow');
// Tables as the previous version wrote them: the columns added since are the nullable ones.
const previously = (schema: InstanceType<typeof arrow.Schema>) =>
  new arrow.Schema(schema.fields.filter((f) => !f.nullable));

const TEXT = 'Everyone gets 25 days of paid leave a year.';
const dirs: string[] = [];
afterEach(async () => Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true }))));

/** A data directory holding one document written before origins and generations were recorded. */
async function previousVersionData(): Promise<{ dir: string; docId: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'docent-upgrade-'));
  dirs.push(dir);
  const contentHash = sha256(new TextEncoder().encode(TEXT));
  const docId = documentId('acme', 'tenant', 'handbook.md', { addedBy: 'cli', addedIn: '', platform: 'cli' });
  const common = {
    doc_id: docId,
    tenant_id: 'acme',
    scope: 'tenant',
    source: 'handbook.md',
    title: 'Handbook',
  };
  const db = await lancedb.connect(dir);
  const docs = await db.createEmptyTable('documents', previously(documentSchema));
  const updated_at = '2026-01-01T00:00:00.000Z';
  await docs.add([
    { ...common, content_hash: contentHash, passages: 1, embedder: 'local-hash-v1', updated_at },
  ]);
  const chunks = await db.createEmptyTable('chunks__acme', previously(chunkSchema(384)));
  const vector = Array.from(embedLocally(TEXT));
  await chunks.add([
    {
      ...common,
      chunk_id: `${docId}-0`,
      content_hash: contentHash,
      position: 0,
      text: TEXT,
      vector,
      created_at: updated_at,
    },
  ]);
  const meta = await db.createEmptyTable(
    'meta',
    new arrow.Schema(['key', 'value'].map((n) => new arrow.Field(n, new arrow.Utf8(), false))),
  );
  await meta.add([{ key: 'embedder', value: JSON.stringify({ id: 'local-hash-v1', dimension: 384 }) }]);
  db.close();
  return { dir, docId };
}

it('reads documents stored before origins were recorded as the admin’s, and keeps serving them', async () => {
  const { dir, docId } = await previousVersionData();
  const store = await LanceVectorStore.open(dir);
  try {
    const embedder = new LocalEmbedder();
    await store.bindEmbedder(embedder);
    const kb = new KnowledgeBase({
      store,
      embedder,
      preparer: new InlinePreparer({ size: 400, overlap: 40 }, embedder),
      maxFileBytes: 1 << 20,
      topK: 5,
    });
    expect(await kb.listDocuments('acme')).toEqual([
      expect.objectContaining({
        docId,
        origin: { addedBy: 'admin', addedIn: 'unrecorded', platform: 'admin' },
      }),
    ]);
    // Its size was never recorded: unknown, not zero.
    expect((await kb.listDocuments('acme'))[0]).not.toHaveProperty('bytes');
    const audience = { tenantId: 'acme', scopes: ['tenant' as const] };
    expect((await kb.search('days of paid leave', audience))[0]?.text).toBe(TEXT);
    // The operator ingesting the same path again finds the same document, unchanged.
    const bytes = async () => new TextEncoder().encode(TEXT);
    const again = await kb.ingest({
      tenantId: 'acme',
      scope: 'tenant',
      source: 'handbook.md',
      fetchData: bytes,
    });
    expect(again).toMatchObject({ status: 'unchanged', document: { docId } });
    // Someone sharing a file of that name in a channel adds a second document.
    const sharedText = 'Everyone gets 99 days of paid leave.';
    const shared = await kb.ingest({
      tenantId: 'acme',
      scope: 'tenant',
      source: 'handbook.md',
      origin: { addedBy: 'U2', addedIn: 'C_RANDOM', platform: 'slack' },
      fetchData: async () => new TextEncoder().encode(sharedText),
    });
    expect(shared.document.docId).not.toBe(docId);
    const listed = (await kb.listDocuments('acme')).map((d) => [d.origin.addedBy, d.bytes]);
    expect(listed.sort()).toEqual([
      ['U2', sharedText.length],
      ['admin', undefined],
    ]);
  } finally {
    await store.close();
  }
});

it('searches passages stored before headings were recorded by their title too, and moves the text index', async () => {
  const { dir, docId } = await previousVersionData();
  // A table as the version before this one left it: generations recorded, full-text index on the text.
  const db = await lancedb.connect(dir);
  const chunks = await db.openTable('chunks__acme');
  await chunks.addColumns([{ name: 'generation', valueSql: 'content_hash' }]);
  await chunks.createIndex('text', { config: lancedb.Index.fts({ withPosition: false }) });
  const docs = await db.openTable('documents');
  await docs.addColumns(
    ['added_by', 'added_in', 'platform', 'generation'].map((name) => ({
      name,
      valueSql: name === 'generation' ? 'content_hash' : "'admin'",
    })),
  );
  db.close();

  const store = await LanceVectorStore.open(dir);
  try {
    const embedder = new LocalEmbedder();
    await store.bindEmbedder(embedder);
    const audience = { tenantId: 'acme', scopes: ['tenant' as const] };
    const search = (text: string) =>
      store.search({ audience, text, vector: Array.from(embedLocally(text)), k: 5, mode: 'bm25' });
    // "Handbook" is only the document's title: the passage's context before headings were kept.
    expect((await search('handbook'))[0]).toMatchObject({ docId, text: TEXT });
    await store.maintain();
    expect((await search('handbook'))[0]).toMatchObject({ docId, text: TEXT });
    const upgraded = await lancedb.connect(dir);
    const table = await upgraded.openTable('chunks__acme');
    const indexed = (await table.listIndices()).map((i) => i.columns.join(','));
    expect(indexed).toContain('search_text');
    expect(indexed).not.toContain('text');
    const [row] = await table.query().select(['context', 'search_text']).toArray();
    expect(row).toMatchObject({ context: 'Handbook', search_text: searchableText('Handbook', TEXT) });
    upgraded.close();
  } finally {
    await store.close();
  }
});
