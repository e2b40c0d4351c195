import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Source } from '../../src/core/ports/source-store.js';
import { Sources } from '../../src/core/sources.js';
import { readSecret } from '../../src/sources/secrets.js';
import { webSource } from '../../src/sources/web/web-source.js';
import { DuckDbClient } from '../../src/stores/sql/duckdb-client.js';
import { SqlSourceStore } from '../../src/stores/sql/sql-source-store.js';
import { FakeWebSite, pageAbout } from '../fakes/web-site.js';
import { tempLanceKnowledgeBase } from '../helpers/temp-kb.js';

const web = (allowPrivate = true) =>
  webSource({ allowPrivate, concurrency: 2, intervalMs: 0, maxPages: 100, maxBytes: 1024 * 1024 });

describe('a web source', () => {
  let site: FakeWebSite;
  let kb: Awaited<ReturnType<typeof tempLanceKnowledgeBase>>;
  let sql: DuckDbClient;
  let sources: Sources;
  let source: Source;
  const search = async (q: string) =>
    (await kb.kb.search(q, { tenantId: 'T1', scopes: ['tenant'] }, { k: 1 }))[0];
  const sync = async () => (await sources.sync(source.id))?.state;

  beforeAll(async () => {
    kb = await tempLanceKnowledgeBase();
  });
  afterAll(async () => kb.cleanup());
  beforeEach(async () => {
    site = await new FakeWebSite().start();
    site.pages.set(
      '/docs/vpn',
      pageAbout('VPN', 'Connect to the VPN with WireGuard using the office profile.'),
    );
    site.pages.set(
      '/docs/keys',
      pageAbout('API keys', 'Rotate an API key from Settings, then Keys, then Rotate.'),
    );
    site.pages.set('/docs/leave', pageAbout('Leave', 'Holiday requests go to your manager two weeks ahead.'));
    sql = await DuckDbClient.open(':memory:');
    sources = new Sources({
      store: await SqlSourceStore.open(sql),
      kinds: [web()],
      knowledgeBase: kb.kb,
      readSecret: (ref) => readSecret(ref, '/run/secrets', { DOCENT_SOURCE_WIKI_TOKEN: 'tok-123' }),
      secretsDir: '/run/secrets',
      retryBaseMs: 60_000,
    });
    source = await sources.add({ tenantId: 'T1', kind: 'web', target: `${site.url}/docs/sitemap.xml` });
  });
  afterEach(async () => {
    for (const s of await sources.list()) await sources.remove(s.id);
    await sql.close();
    await site.stop();
  });

  it('indexes every page of the sitemap by its address, main content only', async () => {
    const state = await sync();
    expect(state).toMatchObject({ status: 'ok', counts: { added: 3, failed: 0 }, failures: 0 });
    const docs = await kb.kb.listDocuments('T1');
    expect(docs.map((d) => d.source).sort()).toEqual(
      ['/docs/keys', '/docs/leave', '/docs/vpn'].map((p) => `${site.url}${p}`),
    );
    expect(docs[0]?.origin).toEqual({ addedBy: source.id, addedIn: 'web', platform: 'source' });
    const hit = await search('how do I rotate an API key?');
    expect(hit?.source).toBe(`${site.url}/docs/keys`);
    expect(hit?.title).toBe('API keys');
    expect(hit?.text).not.toMatch(/Copyright|Site menu/);
  });

  it('asks again with conditional requests and embeds nothing when nothing changed', async () => {
    await sync();
    site.takePageRequests();
    const embedded = kb.embedder.embedded;
    const state = await sync();
    expect(state?.counts).toEqual({ added: 0, updated: 0, unchanged: 3, removed: 0, failed: 0 });
    expect(kb.embedder.embedded).toBe(embedded);
    const requests = site.takePageRequests();
    expect(requests).toHaveLength(3);
    expect(requests.every((r) => r.conditional && r.status === 304)).toBe(true);
  });

  it('replaces a changed page and removes a deleted one', async () => {
    await sync();
    site.pages.set(
      '/docs/vpn',
      pageAbout('VPN', 'The VPN moved to Tailscale: install it and sign in with SSO.'),
    );
    site.pages.delete('/docs/leave');
    const state = await sync();
    expect(state?.counts).toMatchObject({ updated: 1, unchanged: 1, removed: 1 });
    expect((await search('which VPN client do I install?'))?.text).toMatch(/Tailscale/);
    expect((await kb.kb.listDocuments('T1')).map((d) => d.source)).not.toContain(`${site.url}/docs/leave`);
  });

  it('keeps the other pages and the old copy when one page fails, records why, and a retry completes', async () => {
    await sync();
    site.pages.set(
      '/docs/keys',
      pageAbout('API keys', 'Keys are now rotated by the security team on request.'),
    );
    site.failing.add('/docs/vpn');
    const failed = await sync();
    expect(failed).toMatchObject({
      status: 'partial',
      failures: 1,
      counts: { updated: 1, failed: 1, removed: 0 },
    });
    expect(failed?.lastError).toMatch(/docs\/vpn: the server answered 500/);
    expect(Date.parse(failed?.nextSyncAt ?? '') - Date.parse(failed?.lastSyncAt ?? '')).toBe(60_000);
    expect((await search('VPN WireGuard office profile'))?.source).toBe(`${site.url}/docs/vpn`);
    site.failing.clear();
    expect(await sync()).toMatchObject({ status: 'ok', failures: 0, lastError: undefined });
  });

  it('removes nothing when the listing itself cannot be read', async () => {
    await sync();
    site.pages.clear();
    site.failing.add('/docs/sitemap.xml');
    const state = await sync();
    expect(state).toMatchObject({ status: 'failed', failures: 1, counts: { removed: 0 } });
    expect(state?.lastError).toMatch(/sitemap.xml: the server answered 500; nothing was read/);
    expect(await kb.kb.listDocuments('T1')).toHaveLength(3);
  });

  it('honours robots.txt: a disallowed page is not fetched and its document goes', async () => {
    await sync();
    site.takePageRequests();
    site.robots = 'User-agent: *\nDisallow: /docs/keys\n';
    const state = await sync();
    expect(state?.counts).toMatchObject({ removed: 1, unchanged: 2 });
    expect(site.takePageRequests().map((r) => r.path)).not.toContain('/docs/keys');
    expect((await kb.kb.listDocuments('T1')).map((d) => d.source)).not.toContain(`${site.url}/docs/keys`);
  });

  it('spaces its requests as robots.txt asks with Crawl-delay', async () => {
    site.robots = 'User-agent: *\nCrawl-delay: 0.2\n';
    expect((await sync())?.status).toBe('ok');
    const starts = site
      .takePageRequests()
      .map((r) => r.at)
      .sort((a, b) => a - b);
    expect(starts).toHaveLength(3);
    // The site sees them at the pace it asked for: the delay apart on average (a margin for timer
    // rounding), and never close together, though a loaded machine may send one a little late.
    const first = starts[0] as number;
    expect((starts.at(-1) as number) - first).toBeGreaterThanOrEqual(2 * 200 - 20);
    for (let i = 1; i < starts.length; i++)
      expect((starts[i] as number) - (starts[i - 1] as number)).toBeGreaterThanOrEqual(100);
  });

  it('follows a sitemap index to its sitemaps on the same site only', async () => {
    const indexed = await sources.add({
      tenantId: 'T1',
      kind: 'web',
      target: `${site.url}/docs/sitemap-index.xml`,
      scope: 'channel:C1',
    });
    const state = (await sources.sync(indexed.id))?.state;
    expect(state).toMatchObject({ status: 'ok', counts: { added: 3 } });
    const docs = (await kb.kb.listDocuments('T1')).filter((d) => d.scope === 'channel:C1');
    expect(docs).toHaveLength(3);
  });

  it('crawls from a start page within its path, up to the page limit, sending the named token', async () => {
    site.pages.set('/docs/', { ...pageAbout('Handbook', 'The handbook starts here.'), unlisted: true });
    site.pages.set('/docs/hidden', {
      ...pageAbout('Hidden', 'Only linked, never in the sitemap.'),
      unlisted: true,
    });
    const crawl = await sources.add({
      tenantId: 'T1',
      kind: 'web',
      target: `${site.url}/docs/`,
      settings: { maxPages: 4 },
      secret: { env: 'DOCENT_SOURCE_WIKI_TOKEN' },
    });
    const state = (await sources.sync(crawl.id))?.state;
    expect(state).toMatchObject({ status: 'ok', counts: { added: 4 } });
    const requests = site.takePageRequests();
    expect(requests.every((r) => r.authorization === 'Bearer tok-123')).toBe(true);
    expect(requests.length).toBe(4);
  });
});

describe('outbound rules', () => {
  it('refuses a private address unless ALLOW_PRIVATE_URLS, before and during a sync', async () => {
    const kind = web(false);
    expect(() => kind.checkTarget('http://127.0.0.1:9/docs/sitemap.xml')).toThrow(/ALLOW_PRIVATE_URLS/);
    expect(() => kind.checkTarget('http://user:pw@docs.example.com/')).toThrow(/--token-env/);
    const site = await new FakeWebSite().start();
    const emitted: unknown[] = [];
    const source = { settings: {}, target: `${site.url}/docs/sitemap.xml` } as unknown as Source;
    await expect(
      kind.read({ source, previous: new Map(), emit: async (e) => void emitted.push(e) }),
    ).rejects.toThrow(/private address; set ALLOW_PRIVATE_URLS=true/);
    expect(site.requests).toEqual([]);
    expect(emitted).toEqual([]);
    await site.stop();
  });
});
