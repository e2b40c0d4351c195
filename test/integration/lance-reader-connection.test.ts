import { afterAll, beforeAll, expect, it } from 'vitest';
import { KnowledgeBase } from '../../src/core/knowledge-base.js';
import { LocalEmbedder } from '../../src/ingestion/local-embedder.js';
import { LanceVectorStore } from '../../src/stores/lance-vector-store.js';
import { bytesOf, tempLanceKnowledgeBase } from '../helpers/temp-kb.js';

// The answer thread searches through a LanceDB connection of its own while the main thread
// writes. Told which tenant changed, its next search must see the change, with no delay.
let writer: Awaited<ReturnType<typeof tempLanceKnowledgeBase>>;
let reader: LanceVectorStore;
let readerKb: KnowledgeBase;

const ingest = (tenantId: string, source: string, text: string) =>
  writer.kb.ingest({ tenantId, scope: 'tenant', source, fetchData: bytesOf(text) });
const sourcesFor = async (tenantId: string, question: string) =>
  (await readerKb.search(question, { tenantId, scopes: ['tenant'] })).map((p) => p.source);

beforeAll(async () => {
  writer = await tempLanceKnowledgeBase();
  await ingest('acme', 'keys.md', '# Keys\n\nRotate production keys in Settings.');
  reader = await LanceVectorStore.open(writer.dir);
  const embedder = new LocalEmbedder();
  await reader.bindEmbedder(embedder);
  readerKb = new KnowledgeBase({
    store: reader,
    embedder,
    chunking: { size: 400, overlap: 40 },
    maxFileBytes: 1024 * 1024,
    topK: 5,
  });
});

afterAll(async () => {
  await reader?.close();
  await writer?.cleanup();
});

it('loads what is there at warm-up, and sees a new document once told its tenant changed', async () => {
  await reader.warm();
  expect(await sourcesFor('acme', 'rotate production keys')).toContain('keys.md');

  await ingest('acme', 'backups.md', '# Backups\n\nRestore a backup from the Backups page.');
  reader.refresh('acme');
  expect((await sourcesFor('acme', 'restore a backup'))[0]).toBe('backups.md');
});

it('finds the first passages of a tenant it had found empty, once told', async () => {
  expect(await sourcesFor('globex', 'holiday policy')).toEqual([]);
  await ingest('globex', 'holidays.md', '# Holidays\n\nThe holiday policy grants 25 days a year.');
  reader.refresh('globex');
  expect(await sourcesFor('globex', 'holiday policy')).toContain('holidays.md');
});
