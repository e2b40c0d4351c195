import * as lancedb from '@lancedb/lancedb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { KnowledgeBase } from '../../src/core/knowledge-base.js';
import { LocalEmbedder } from '../../src/ingestion/local-embedder.js';
import { InlinePreparer } from '../../src/ingestion/prepare.js';
import { LanceVectorStore } from '../../src/stores/lance/lance-vector-store.js';
import { bytesOf, tempLanceKnowledgeBase } from '../helpers/temp-kb.js';

// A long ingestion commits many times; each commit used to leave a fragment behind in the
// documents table, and every commit read the whole table, so a first sync of thousands of pages
// slowed as it went. These check the table stays compact and nothing is lost or doubled on the way.
let kb: Awaited<ReturnType<typeof tempLanceKnowledgeBase>>;
let db: lancedb.Connection;

const ingest = (source: string, text: string) =>
  kb.kb.ingest({ tenantId: 'acme', scope: 'tenant', source, fetchData: bytesOf(text) });
const note = (i: number) => `# Note ${i}\n\nProcedure ${i}: file form ${i * 7} with team ${i % 5}.`;

beforeAll(async () => {
  kb = await tempLanceKnowledgeBase();
  db = await lancedb.connect(kb.dir);
});

afterAll(async () => {
  db?.close();
  await kb?.cleanup();
});

it('keeps the documents table in few fragments over many commits, every document found once', async () => {
  const count = 36;
  // One at a time: each document is its own commit.
  for (let i = 0; i < count; i++) await ingest(`notes/${i}.md`, note(i));

  const documents = await db.openTable('documents');
  const stats = await documents.stats();
  documents.close();
  expect(stats.numRows).toBe(count);
  expect(stats.fragmentStats.numFragments).toBeLessThan(count / 2);
  expect((await kb.kb.listDocuments('acme')).length).toBe(count);
  const hits = await kb.kb.search('file form 203', { tenantId: 'acme', scopes: ['tenant'] });
  expect(hits[0]?.source).toBe('notes/29.md');

  const embedded = kb.embedder.embedded;
  expect((await ingest('notes/3.md', note(3))).status).toBe('unchanged');
  expect(kb.embedder.embedded).toBe(embedded);
});

it('replaces a document another connection stored since this one last read, keeping one record', async () => {
  // This connection's view of the documents is recent, so it does not know of the other's write.
  await kb.kb.listDocuments('acme');
  const other = await knowledgeBaseOn(kb.dir);
  await other.kb.ingest({
    tenantId: 'acme',
    scope: 'tenant',
    source: 'late.md',
    fetchData: bytesOf(note(900)),
  });
  await other.store.close();

  const outcome = await ingest('late.md', note(901));
  expect(outcome.status).toBe('indexed');
  const ofIt = `doc_id = '${outcome.document.docId}'`;
  const documents = await db.openTable('documents');
  const passages = await db.openTable('chunks__acme');
  expect(await documents.countRows(ofIt)).toBe(1);
  // The other connection's passages of it are gone, not merely unsearched.
  expect(await passages.countRows(ofIt)).toBe(outcome.document.passages);
  documents.close();
  passages.close();
  const text = (await kb.store.documentPassages('acme', outcome.document.docId)).map((p) => p.text).join(' ');
  expect(text).toContain('Procedure 901');
});

/** A second knowledge base on the same data directory, as another instance sharing it. */
async function knowledgeBaseOn(dir: string) {
  const store = await LanceVectorStore.open(dir);
  const embedder = new LocalEmbedder();
  await store.bindEmbedder(embedder);
  const preparer = new InlinePreparer({ size: 400, overlap: 40 }, embedder);
  return { store, kb: new KnowledgeBase({ store, embedder, preparer, maxFileBytes: 1 << 20, topK: 5 }) };
}
