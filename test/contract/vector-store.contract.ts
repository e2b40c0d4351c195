import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VectorStore } from '../../src/core/ports/vector-store.js';
import type { Chunk, DocumentRecord, Scope } from '../../src/core/types.js';
import { embedLocally } from '../../src/ingestion/local-embedder.js';

const EMBEDDER = { id: 'local-hash-v1', dimension: 384 };

function doc(docId: string, tenantId: string, scope: Scope, hash = 'h1'): DocumentRecord {
  return {
    docId,
    tenantId,
    scope,
    source: `${docId}.md`,
    origin: { addedBy: 'cli', addedIn: `${docId}.md`, platform: 'cli' },
    title: docId,
    contentHash: hash,
    passages: 0,
    embedder: EMBEDDER.id,
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
}

function chunks(docId: string, texts: string[], version = 'v1'): Chunk[] {
  return texts.map((text, position) => ({
    chunkId: `${docId}-${version}-${position}`,
    position,
    text,
    vector: embedLocally(text),
  }));
}

async function put(store: VectorStore, d: DocumentRecord, texts: string[], version = 'v1') {
  await store.replaceDocument({ ...d, passages: texts.length }, chunks(d.docId, texts, version));
}

const search = (store: VectorStore, tenantId: string, scopes: Scope[], text: string, k = 5) =>
  store.search({ audience: { tenantId, scopes }, text, vector: Array.from(embedLocally(text)), k });

/** Decides, per write, whether committing the document record fails (a full disk, a lost volume). */
export type RecordWriteFailure = { failing: boolean };

/**
 * One behaviour contract for every VectorStore implementation. `open` is given a switch that
 * makes the store's document-record writes fail while it is on, after the passages are written.
 */
export function vectorStoreContract(
  name: string,
  open: (records: RecordWriteFailure) => Promise<VectorStore>,
) {
  describe(`VectorStore contract: ${name}`, () => {
    let store: VectorStore;
    const records: RecordWriteFailure = { failing: false };
    beforeEach(async () => {
      records.failing = false;
      store = await open(records);
      await store.bindEmbedder(EMBEDDER);
    });
    afterEach(async () => store.close());

    it('finds a passage by meaning and by exact words, best first', async () => {
      await put(store, doc('keys', 't1', 'tenant'), [
        'Rotate the API key from Settings then API then Rotate.',
        'Lunch is served at noon.',
      ]);
      await put(store, doc('deploy', 't1', 'tenant'), ['Deploy to staging with make deploy-staging.']);
      const hits = await search(store, 't1', ['tenant'], 'how do I rotate my API key?');
      expect(hits[0]?.text).toContain('Rotate the API key');
      expect(hits[0]).toMatchObject({ docId: 'keys', source: 'keys.md', title: 'keys', position: 0 });
      const deploy = await search(store, 't1', ['tenant'], 'deploy-staging');
      expect(deploy[0]?.docId).toBe('deploy');
    });

    it('finds a new tenant’s first passages at once, though it was searched before it had any', async () => {
      expect(await search(store, 'fresh', ['tenant'], 'backup schedule')).toEqual([]);
      await put(store, doc('backups', 'fresh', 'tenant'), ['Backups run nightly at 02:00 UTC.']);
      const hits = await search(store, 'fresh', ['tenant'], 'backup schedule');
      expect(hits[0]?.docId).toBe('backups');
    });

    it('returns at most k passages', async () => {
      await put(
        store,
        doc('many', 't1', 'tenant'),
        Array.from({ length: 12 }, (_, i) => `Runbook step ${i} for the database failover.`),
      );
      expect(await search(store, 't1', ['tenant'], 'database failover', 3)).toHaveLength(3);
    });

    it('shows a paragraph copied into several files once among the best five, beside the other answers', async () => {
      const refund =
        'To request a refund, email billing@example.com with the invoice number within 30 days of the charge; ' +
        'the money reaches the card in five working days.';
      const copies = ['', 'Billing FAQ.', 'Support:', 'Finance note.', 'From the handbook:'];
      for (const [i, lead] of copies.entries())
        await put(store, doc(`copy${i}`, 't1', 'tenant'), [`${lead} ${refund}`.trim()]);
      const others = [
        'Refund status for an invoice is shown in the billing portal under Invoices.',
        'A refund on an annual plan is prorated by the months remaining on the invoice.',
        'Invoices are emailed on the first day of each month; ask billing for a copy of a refund receipt.',
        'A charge you do not recognise is a dispute, not a refund request: tell finance with the invoice number.',
      ];
      for (const [i, text] of others.entries()) await put(store, doc(`other${i}`, 't1', 'tenant'), [text]);
      await put(store, doc('lunch', 't1', 'tenant'), ['Lunch is served at noon in the canteen.']);
      const top = (await search(store, 't1', ['tenant'], 'how do I request a refund by email?', 5)).map(
        (h) => h.text,
      );
      expect(top).toHaveLength(5);
      expect(top.filter((t) => t.includes('billing@example.com'))).toHaveLength(1);
      expect([...top].sort()).toEqual([...others, top.find((t) => t.includes(refund))].sort());
    });

    it('throws when asked to search without a scope', async () => {
      const vector = Array.from(embedLocally('x'));
      await expect(
        store.search({ audience: { tenantId: 't1', scopes: [] }, text: 'x', vector, k: 5 }),
      ).rejects.toMatchObject({
        code: 'missing_scope',
      });
      // @ts-expect-error: a caller that forgets the audience entirely
      await expect(store.search({ text: 'x', vector, k: 5 })).rejects.toMatchObject({
        code: 'missing_scope',
      });
    });

    it('never returns another tenant’s or another scope’s passages', async () => {
      await put(store, doc('a-public', 'tenantA', 'tenant'), [
        'The canary password for tenant A is zebra-orange.',
      ]);
      await put(store, doc('a-private', 'tenantA', 'channel:C1'), [
        'The private canary for channel C1 is mango-violet.',
      ]);
      await put(store, doc('a-dm', 'tenantA', 'user:U1'), ['The DM canary of user U1 is kiwi-silver.']);
      await put(store, doc('b-public', 'tenantB', 'tenant'), [
        'Tenant B keeps its own notes about passwords.',
      ]);
      const probes = [
        'canary password',
        'zebra-orange',
        'mango-violet',
        'kiwi-silver',
        'private canary',
        'DM canary user',
      ];
      for (const q of probes) {
        for (const hit of await search(store, 'tenantB', ['tenant', 'channel:C1', 'user:U1'], q, 10)) {
          expect(hit.docId).toBe('b-public');
        }
        for (const hit of await search(store, 'tenantA', ['tenant', 'channel:C2'], q, 10)) {
          expect(hit.docId).toBe('a-public');
        }
      }
      const inChannel = await search(store, 'tenantA', ['tenant', 'channel:C1'], 'mango-violet', 10);
      expect(inChannel.map((h) => h.docId)).toContain('a-private');
      expect(inChannel.map((h) => h.docId)).not.toContain('a-dm');
    });

    it('replaces a document’s passages whole', async () => {
      await put(
        store,
        doc('policy', 't1', 'tenant'),
        ['Old rule: expenses need two approvals.', 'Old appendix.'],
        'v1',
      );
      await put(store, doc('policy', 't1', 'tenant', 'h2'), ['New rule: expenses need one approval.'], 'v2');
      const hits = await search(store, 't1', ['tenant'], 'expenses approvals appendix rule', 10);
      expect(hits.map((h) => h.text)).toEqual(['New rule: expenses need one approval.']);
      expect((await store.getDocument('t1', 'policy'))?.contentHash).toBe('h2');
    });

    it('a write whose record fails leaves nothing searchable, and its retry stores each passage once', async () => {
      await put(store, doc('policy', 't1', 'tenant', 'h1'), ['Old rule: expenses need two approvals.'], 'v1');
      records.failing = true;
      const newPolicy = ['New rule: expenses need one approval.', 'New appendix: travel expenses.'];
      await expect(put(store, doc('policy', 't1', 'tenant', 'h2'), newPolicy, 'v2')).rejects.toThrow();
      await expect(
        put(store, doc('fresh', 't1', 'tenant'), ['The canary word is zebra-orange.']),
      ).rejects.toThrow();
      records.failing = false;

      // Every passage the tenant has is among the 10 best: what is searchable is exactly this list.
      const searchable = async () =>
        (await search(store, 't1', ['tenant'], 'expenses approval rule appendix travel canary zebra', 10))
          .map((h) => h.text)
          .sort();
      expect(await searchable()).toEqual(['Old rule: expenses need two approvals.']);
      expect((await store.listDocuments('t1')).map((d) => [d.docId, d.contentHash])).toEqual([
        ['policy', 'h1'],
      ]);

      await put(store, doc('policy', 't1', 'tenant', 'h2'), newPolicy, 'v2');
      await put(store, doc('fresh', 't1', 'tenant'), ['The canary word is zebra-orange.']);
      expect(await searchable()).toEqual([...newPolicy, 'The canary word is zebra-orange.'].sort());
      expect((await store.listDocuments('t1')).map((d) => d.docId).sort()).toEqual(['fresh', 'policy']);
    });

    it('keeps a document’s size in bytes, and knows none for a document stored without it', async () => {
      await put(store, { ...doc('sized', 't1', 'tenant'), bytes: 3_000_000_123 }, ['A sized document.']);
      await put(store, doc('unsized', 't1', 'tenant'), ['A document of unknown size.']);
      expect((await store.getDocument('t1', 'sized'))?.bytes).toBe(3_000_000_123);
      const listed = await store.listDocuments('t1');
      expect(listed.find((d) => d.docId === 'sized')?.bytes).toBe(3_000_000_123);
      expect(listed.find((d) => d.docId === 'unsized')).not.toHaveProperty('bytes');
    });

    it('lists and deletes documents per tenant', async () => {
      await put(store, doc('one', 't1', 'tenant'), ['First document text.']);
      await put(store, doc('two', 't1', 'channel:C9'), ['Second document text.']);
      await put(store, doc('other', 't2', 'tenant'), ['Other tenant document.']);
      expect((await store.listDocuments('t1')).map((d) => d.docId).sort()).toEqual(['one', 'two']);
      expect(await store.deleteDocument('t2', 'one')).toBeUndefined();
      expect((await store.deleteDocument('t1', 'one'))?.docId).toBe('one');
      expect(await store.getDocument('t1', 'one')).toBeUndefined();
      expect(
        await search(store, 't1', ['tenant', 'channel:C9'], 'First document text', 10),
      ).not.toContainEqual(expect.objectContaining({ docId: 'one' }));
      expect((await store.listDocuments('t1')).map((d) => d.docId)).toEqual(['two']);
    });

    it('reads a document’s current passages in order, and nothing of another tenant’s', async () => {
      await put(store, doc('guide', 't1', 'channel:C9'), ['Old first.', 'Old second.']);
      await put(store, doc('guide', 't1', 'channel:C9'), ['Step one.', 'Step two.', 'Step three.'], 'v2');
      const passages = await store.documentPassages('t1', 'guide');
      expect(passages.map((p) => [p.position, p.text])).toEqual([
        [0, 'Step one.'],
        [1, 'Step two.'],
        [2, 'Step three.'],
      ]);
      expect(passages[0]).toMatchObject({ docId: 'guide', title: 'guide', source: 'guide.md' });
      expect(await store.documentPassages('t2', 'guide')).toEqual([]);
      expect(await store.documentPassages('t1', 'absent')).toEqual([]);
    });

    it('refuses a different embedder once bound', async () => {
      await expect(
        store.bindEmbedder({ id: 'openai:text-embedding-3-small', dimension: 1536 }),
      ).rejects.toMatchObject({
        code: 'embedder_mismatch',
      });
      await expect(store.bindEmbedder(EMBEDDER)).resolves.toBeUndefined();
    });

    it('keeps searching correctly after maintenance', async () => {
      await put(store, doc('ops', 't1', 'tenant'), [
        'Restart the ingest worker with systemctl restart docent.',
      ]);
      await store.maintain();
      await put(store, doc('ops2', 't1', 'tenant'), ['Page the on-call engineer through PagerDuty.']);
      expect((await search(store, 't1', ['tenant'], 'restart ingest worker'))[0]?.docId).toBe('ops');
      expect((await search(store, 't1', ['tenant'], 'on-call PagerDuty'))[0]?.docId).toBe('ops2');
    });
  });
}
