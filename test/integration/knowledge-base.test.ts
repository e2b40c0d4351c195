import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LanceVectorStore } from '../../src/stores/lance/lance-vector-store.js';
import { bytesOf, tempLanceKnowledgeBase } from '../helpers/temp-kb.js';

type Ctx = Awaited<ReturnType<typeof tempLanceKnowledgeBase>>;
const tenantWide = { tenantId: 'acme', scopes: ['tenant' as const] };
const handbook = (days: number) =>
  `# Handbook\n\n## Leave\n\nEveryone gets ${days} days of paid leave a year.\n\n## Expenses\n\nSubmit receipts within 30 days through the finance portal.`;

describe('knowledge base on LanceDB', () => {
  let ctx: Ctx;
  beforeEach(async () => {
    ctx = await tempLanceKnowledgeBase();
  });
  afterEach(async () => ctx.cleanup());

  it('re-ingesting an unchanged document does no embedding work and changes nothing', async () => {
    const first = await ctx.kb.ingest({
      tenantId: 'acme',
      scope: 'tenant',
      source: 'handbook.md',
      fetchData: bytesOf(handbook(25)),
    });
    expect(first.status).toBe('indexed');
    const embeddedOnce = ctx.embedder.embedded;
    expect(embeddedOnce).toBeGreaterThan(0);
    const before = await ctx.kb.listDocuments('acme');
    const second = await ctx.kb.ingest({
      tenantId: 'acme',
      scope: 'tenant',
      source: 'handbook.md',
      fetchData: bytesOf(handbook(25)),
    });
    expect(second.status).toBe('unchanged');
    expect(ctx.embedder.embedded).toBe(embeddedOnce);
    expect(await ctx.kb.listDocuments('acme')).toEqual(before);
    expect(ctx.changes).toEqual(['acme/tenant']);
  });

  it('a changed document replaces its old passages', async () => {
    await ctx.kb.ingest({
      tenantId: 'acme',
      scope: 'tenant',
      source: 'handbook.md',
      fetchData: bytesOf(handbook(25)),
    });
    const outcome = await ctx.kb.ingest({
      tenantId: 'acme',
      scope: 'tenant',
      source: 'handbook.md',
      fetchData: bytesOf(handbook(30)),
    });
    expect(outcome).toMatchObject({ status: 'indexed', replaced: true });
    const hits = await ctx.kb.search('how many days of paid leave', tenantWide, { k: 10 });
    const texts = hits.map((h) => h.text).join('\n');
    expect(texts).toContain('30 days of paid leave');
    expect(texts).not.toContain('25 days');
    expect(await ctx.kb.listDocuments('acme')).toHaveLength(1);
  });

  it('searches running during replacements see one version of a document, never a mix', async () => {
    const versionText = (v: number) =>
      Array.from(
        { length: 6 },
        (_, i) => `Version ${v} section ${i}: the quarterly rota lists on-call owners.`,
      ).join('\n\n');
    await ctx.kb.ingest({
      tenantId: 'acme',
      scope: 'tenant',
      source: 'rota.md',
      fetchData: bytesOf(versionText(1)),
    });
    const mixed: string[] = [];
    let writing = true;
    const reader = (async () => {
      while (writing) {
        const hits = await ctx.kb.search('quarterly rota on-call owners', tenantWide, { k: 20 });
        const versions = new Set(hits.map((h) => /^Version (\d+)/.exec(h.text)?.[1]));
        if (versions.size > 1) mixed.push([...versions].join(','));
      }
    })();
    for (let v = 2; v <= 8; v++) {
      await ctx.kb.ingest({
        tenantId: 'acme',
        scope: 'tenant',
        source: 'rota.md',
        fetchData: bytesOf(versionText(v)),
      });
    }
    writing = false;
    await reader;
    expect(mixed).toEqual([]);
    const final = await ctx.kb.search('quarterly rota on-call owners', tenantWide, { k: 20 });
    expect(final.every((h) => h.text.startsWith('Version 8'))).toBe(true);
  });

  it('a failure while embedding leaves the previous version in place and nothing partial', async () => {
    await ctx.kb.ingest({
      tenantId: 'acme',
      scope: 'tenant',
      source: 'handbook.md',
      fetchData: bytesOf(handbook(25)),
    });
    ctx.embedder.failAfter = ctx.embedder.embedded;
    const big = Array.from(
      { length: 300 },
      (_, i) => `Paragraph ${i} about the new leave policy details.`,
    ).join('\n\n');
    await expect(
      ctx.kb.ingest({ tenantId: 'acme', scope: 'tenant', source: 'handbook.md', fetchData: bytesOf(big) }),
    ).rejects.toThrow('embedding service unavailable');
    const docs = await ctx.kb.listDocuments('acme');
    expect(docs).toHaveLength(1);
    const hits = await ctx.kb.search('new leave policy details paragraph', tenantWide, { k: 20 });
    expect(hits.some((h) => h.text.includes('Paragraph'))).toBe(false);
    expect(hits.some((h) => h.text.includes('25 days'))).toBe(true);
  });

  it('docs rm removes every passage of the document', async () => {
    const { document } = await ctx.kb.ingest({
      tenantId: 'acme',
      scope: 'tenant',
      source: 'handbook.md',
      fetchData: bytesOf(handbook(25)),
    });
    await ctx.kb.removeDocument('acme', document.docId);
    expect(await ctx.kb.search('paid leave receipts finance portal', tenantWide, { k: 20 })).toEqual([]);
    expect(await ctx.kb.listDocuments('acme')).toEqual([]);
  });

  it('an oversized file is refused without being read', async () => {
    let read = false;
    const fetchData = async (maxBytes: number) => {
      read = true;
      return new Uint8Array(maxBytes + 1);
    };
    await expect(
      ctx.kb.ingest({ tenantId: 'acme', scope: 'tenant', source: 'huge.txt', fetchData }),
    ).rejects.toMatchObject({
      code: 'too_large',
      message: 'huge.txt: the file is 1.0 MB, over the 1.0 MB limit (MAX_FILE_MB).',
    });
    expect(read).toBe(true);
    expect(await ctx.kb.listDocuments('acme')).toEqual([]);
  });

  it('a small CSV whose header repeats into megabytes of text is refused with nothing embedded or stored', async () => {
    const columns = Array.from({ length: 20 }, (_, i) => `${'quarterly revenue by region '.repeat(18)}${i}`);
    const rows = Array.from({ length: 1000 }, () => columns.map(() => '1').join(','));
    const csv = [columns.join(','), ...rows].join('\n');
    expect(csv.length).toBeLessThan(64 * 1024);
    await expect(
      ctx.kb.ingest({ tenantId: 'acme', scope: 'tenant', source: 'revenue.csv', fetchData: bytesOf(csv) }),
    ).rejects.toMatchObject({
      code: 'too_large',
      message:
        'revenue.csv: refused, its text would make more than 5,000 passages, the most one file may give (MAX_PASSAGES_PER_FILE); split it into smaller files.',
      transient: false,
    });
    expect(ctx.embedder.embedded).toBe(0);
    expect(await ctx.kb.listDocuments('acme')).toEqual([]);
    expect(ctx.changes).toEqual([]);
  });

  it('remembers its embedder across restarts and refuses another', async () => {
    await ctx.kb.ingest({
      tenantId: 'acme',
      scope: 'tenant',
      source: 'handbook.md',
      fetchData: bytesOf(handbook(25)),
    });
    await ctx.store.close();
    const reopened = await LanceVectorStore.open(ctx.dir);
    await expect(
      reopened.bindEmbedder({ id: 'openai:text-embedding-3-small', dimension: 1536 }),
    ).rejects.toThrow(/built with the embedder "local-hash-v1" \(384 dimensions\)/);
    await reopened.bindEmbedder({ id: 'local-hash-v1', dimension: 384 });
    expect(await reopened.listDocuments('acme')).toHaveLength(1);
    ctx.store = reopened;
  });
});
