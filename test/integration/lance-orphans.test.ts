import * as lancedb from '@lancedb/lancedb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { bytesOf, tempLanceKnowledgeBase } from '../helpers/temp-kb.js';

type Ctx = Awaited<ReturnType<typeof tempLanceKnowledgeBase>>;
const tenantWide = { tenantId: 'acme', scopes: ['tenant' as const] };
const HANDBOOK = '# Handbook\n\nEveryone gets 25 days of paid leave a year.';
const RUNBOOK = '# Runbook\n\nRestart the ingest worker with systemctl restart docent.';

describe('passages a crash left without their document record', () => {
  let ctx: Ctx;
  let db: lancedb.Connection;
  beforeEach(async () => {
    ctx = await tempLanceKnowledgeBase();
    db = await lancedb.connect(ctx.dir);
  });
  afterEach(async () => {
    vi.useRealTimers();
    db.close();
    await ctx.cleanup();
  });

  const ingest = (source: string, text: string) =>
    ctx.kb.ingest({ tenantId: 'acme', scope: 'tenant', source, fetchData: bytesOf(text) });
  const storedPassages = async (docId: string) =>
    (await db.openTable('chunks__acme')).countRows(`doc_id = '${docId}'`);

  it('are never searched, are removed by maintenance, and do not double a re-ingestion', async () => {
    const { document: handbook } = await ingest('handbook.md', HANDBOOK);
    await ingest('runbook.md', RUNBOOK);
    // What a process that stopped between the two commits leaves on disk: passages, no record.
    await (await db.openTable('documents')).delete(`doc_id = '${handbook.docId}'`);

    // Searched as after a change elsewhere: at a knowledge version this store has not seen.
    const hits = await ctx.kb.search('how many days of paid leave', tenantWide, {
      k: 10,
      knowledgeVersions: ['after the crash'],
    });
    expect(hits.map((h) => h.docId)).not.toContain(handbook.docId);
    expect((await ctx.kb.listDocuments('acme')).map((d) => d.source)).toEqual(['runbook.md']);

    // Orphans are only removed once older than a write in flight elsewhere could be.
    await ctx.kb.maintain();
    expect(await storedPassages(handbook.docId)).toBeGreaterThan(0);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 11 * 60_000);
    await ctx.kb.maintain();
    expect(await storedPassages(handbook.docId)).toBe(0);

    expect((await ingest('handbook.md', HANDBOOK)).status).toBe('indexed');
    const again = await ctx.kb.search('how many days of paid leave', tenantWide, { k: 10 });
    expect(again.filter((h) => h.docId === handbook.docId)).toHaveLength(1);
    expect(await storedPassages(handbook.docId)).toBe(1);
    expect((await ctx.kb.search('restart the ingest worker', tenantWide))[0]?.source).toBe('runbook.md');
  });
});
