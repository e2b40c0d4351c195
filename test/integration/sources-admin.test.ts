import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeWebSite, pageAbout } from '../fakes/web-site.js';
import { type RunningService, startHttpService } from '../helpers/http-service.js';

const ADMIN = 'admin-secret-token';
const API = 'api-token';
const WIKI_TOKEN = 'wiki-token-never-shown';

describe('sources through the admin API', () => {
  let site: FakeWebSite;
  let service: RunningService;
  const admin = (path: string, init: RequestInit = {}) =>
    fetch(`${service.url}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${ADMIN}`,
        ...(init.body ? { 'content-type': 'application/json' } : {}),
      },
    });
  const ask = async (question: string) => {
    const response = await fetch(`${service.url}/api/v1/query`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API}`, 'content-type': 'application/json' },
      body: JSON.stringify({ question }),
    });
    return response.json();
  };

  beforeAll(async () => {
    process.env.DOCENT_SOURCE_TEST_WIKI_TOKEN = WIKI_TOKEN;
    site = await new FakeWebSite().start();
    site.pages.set(
      '/docs/keys',
      pageAbout('API keys', 'Rotate an API key from Settings, then Keys, then Rotate.'),
    );
    site.pages.set(
      '/docs/vpn',
      pageAbout('VPN', 'Connect to the VPN with WireGuard using the office profile.'),
    );
    service = await startHttpService({
      DOCENT_ADMIN_TOKEN: ADMIN,
      DOCENT_API_TOKEN: API,
      ALLOW_PRIVATE_URLS: 'true',
      INGEST_THREADS: '0',
      SOURCE_CHECK_MS: '100',
    });
  });
  afterAll(async () => {
    await service.stop();
    await site.stop();
    delete process.env.DOCENT_SOURCE_TEST_WIKI_TOKEN;
  });

  it('adds, syncs, answers with the page link, retires answers on a deleted page, and removes', async () => {
    const unauthorised = await fetch(`${service.url}/admin/sources`);
    expect(unauthorised.status).toBe(401);
    const refused = await admin('/admin/sources', {
      method: 'POST',
      body: JSON.stringify({ kind: 'gopher', target: 'x' }),
    });
    expect(refused.status).toBe(400);
    expect((await refused.json()).message).toMatch(/Unknown source kind "gopher": use web/);

    // The admin token names where a source's token is read and where it is sent: never Docent's own.
    for (const secret of [{ token_env: 'SLACK_BOT_TOKEN' }, { token_file: '/proc/self/environ' }]) {
      const exfiltration = await admin('/admin/sources', {
        method: 'POST',
        body: JSON.stringify({ kind: 'web', target: `${site.url}/docs/sitemap.xml`, ...secret }),
      });
      expect(exfiltration.status).toBe(400);
      expect((await exfiltration.json()).message).toMatch(/DOCENT_SOURCE_|SOURCE_SECRETS_DIR/);
    }
    expect(site.requests).toEqual([]);

    const created = await admin('/admin/sources', {
      method: 'POST',
      body: JSON.stringify({
        kind: 'web',
        target: `${site.url}/docs/sitemap.xml`,
        every: '1h',
        token_env: 'DOCENT_SOURCE_TEST_WIKI_TOKEN',
      }),
    });
    expect(created.status).toBe(201);
    const { source } = await created.json();
    expect(source).toMatchObject({ kind: 'web', scope: 'tenant', every_ms: 3_600_000, status: 'never' });

    const synced = await (await admin(`/admin/sources/${source.id}/sync`, { method: 'POST' })).json();
    expect(synced.source).toMatchObject({ status: 'ok', counts: { added: 2, failed: 0 } });
    expect(site.requests.every((r) => r.authorization === `Bearer ${WIKI_TOKEN}`)).toBe(true);

    const first = await ask('How do I rotate an API key?');
    expect(first.sources.map((s: { source: string }) => s.source)).toContain(`${site.url}/docs/keys`);
    expect((await ask('How do I rotate an API key?')).cached).toBe(true);

    site.pages.delete('/docs/keys');
    const resynced = await (await admin(`/admin/sources/${source.id}/sync`, { method: 'POST' })).json();
    expect(resynced.source.counts).toMatchObject({ removed: 1, unchanged: 1 });
    const after = await ask('How do I rotate an API key?');
    expect(after.cached).toBe(false);
    expect(after.sources.map((s: { source: string }) => s.source)).not.toContain(`${site.url}/docs/keys`);

    const listed = await admin('/admin/sources?tenant=default');
    const text = await listed.text();
    expect(JSON.parse(text).sources[0]).toMatchObject({
      id: source.id,
      secret: 'env:DOCENT_SOURCE_TEST_WIKI_TOKEN',
      counts: { removed: 1 },
    });
    expect(text).not.toContain(WIKI_TOKEN);

    const removed = await (await admin(`/admin/sources/${source.id}`, { method: 'DELETE' })).json();
    expect(removed.documents_removed).toBe(1);
    expect((await (await admin('/admin/sources')).json()).sources).toEqual([]);
    expect((await admin(`/admin/sources/${source.id}/sync`, { method: 'POST' })).status).toBe(404);
  });

  it('syncs a new source on its schedule once the service schedules them', async () => {
    await service.services.scheduleSources();
    const created = await admin('/admin/sources', {
      method: 'POST',
      body: JSON.stringify({ kind: 'web', target: `${site.url}/docs/sitemap.xml`, tenant: 'scheduled' }),
    });
    const { source } = await created.json();
    let listed: { status: string; counts: { added: number } } | undefined;
    for (let tries = 0; tries < 200 && listed?.status !== 'ok'; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      listed = (await (await admin('/admin/sources?tenant=scheduled')).json()).sources[0];
    }
    expect(listed).toMatchObject({ id: source.id, status: 'ok', counts: { added: 1 } });
  });
});
