import { afterAll, beforeAll, expect, it } from 'vitest';
import { KnowledgeBase } from '../../src/core/knowledge-base.js';
import { LocalEmbedder } from '../../src/ingestion/local-embedder.js';
import { InlinePreparer } from '../../src/ingestion/prepare.js';
import { LanceVectorStore } from '../../src/stores/lance/lance-vector-store.js';
import { bytesOf, tempLanceKnowledgeBase } from '../helpers/temp-kb.js';

// Two connections to one data directory, as two processes sharing it (through Redis): one writes,
// the other searches. Searched with a knowledge version newer than it has seen (another process
// changed the tenant's documents), the reader reads the latest passages at once, not a version
// it pinned seconds ago.
let writer: Awaited<ReturnType<typeof tempLanceKnowledgeBase>>;
let reader: LanceVectorStore;
let readerKb: KnowledgeBase;

const ingest = (tenantId: string, source: string, text: string) =>
  writer.kb.ingest({ tenantId, scope: 'tenant', source, fetchData: bytesOf(text) });
const sourcesFor = async (tenantId: string, question: string, version: string) =>
  (await readerKb.search(question, { tenantId, scopes: ['tenant'] }, { knowledgeVersions: [version] })).map(
    (p) => p.source,
  );

beforeAll(async () => {
  writer = await tempLanceKnowledgeBase();
  await ingest('acme', 'keys.md', '# Keys\n\nRotate production keys in Settings.');
  reader = await LanceVectorStore.open(writer.dir);
  const embedder = new LocalEmbedder();
  await reader.bindEmbedder(embedder);
  readerKb = new KnowledgeBase({
    store: reader,
    embedder,
    preparer: new InlinePreparer({ size: 400, overlap: 40 }, embedder),
    maxFileBytes: 1024 * 1024,
    topK: 5,
  });
});

afterAll(async () => {
  await reader?.close();
  await writer?.cleanup();
});

it('sees another connection’s new document once searched with a newer knowledge version', async () => {
  expect(await sourcesFor('acme', 'rotate production keys', 'v1')).toContain('keys.md');

  await ingest('acme', 'backups.md', '# Backups\n\nRestore a backup from the Backups page.');
  expect((await sourcesFor('acme', 'restore a backup', 'v2'))[0]).toBe('backups.md');
});

it('stops finding a document another connection removed once searched with a newer knowledge version', async () => {
  expect(await sourcesFor('acme', 'restore a backup', 'v2')).toContain('backups.md');
  const backups = (await writer.kb.listDocuments('acme')).find((d) => d.source === 'backups.md');
  await writer.kb.removeDocument('acme', backups?.docId ?? '');
  expect(await sourcesFor('acme', 'restore a backup', 'v3')).not.toContain('backups.md');
});

it('finds the first passages of a tenant it had found empty, once its knowledge version changes', async () => {
  expect(await sourcesFor('globex', 'holiday policy', 'v1')).toEqual([]);
  await ingest('globex', 'holidays.md', '# Holidays\n\nThe holiday policy grants 25 days a year.');
  expect(await sourcesFor('globex', 'holiday policy', 'v2')).toContain('holidays.md');
});
