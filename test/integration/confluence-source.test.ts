import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { confluenceSource } from '../../src/sources/confluence/confluence-source.js';
import { FakeConfluence } from '../fakes/confluence.js';
import { startSourceService } from '../helpers/source-service.js';

const EMAIL = 'docs-bot@example.com';
const TOKEN = 'atlassian-token-never-shown';
const filler =
  'This page belongs to the engineering space and is kept up to date by the platform group. Ask in the help channel when something here is unclear.';

describe('a confluence source', () => {
  let docent: Awaited<ReturnType<typeof startSourceService>>;
  let wiki: FakeConfluence;
  let id: string;
  const link = (pageId: string, title: string) =>
    `${wiki.url}/wiki/spaces/ENG/pages/${pageId}/${title.replace(/ /g, '+')}`;
  const bodyFetches = () => wiki.take().filter((r) => r.path.startsWith('/wiki/api/v2/pages/'));

  beforeAll(async () => {
    process.env.DOCENT_SOURCE_TEST_CONFLUENCE_TOKEN = TOKEN;
    docent = await startSourceService();
  });
  afterAll(async () => {
    await docent.stop();
    delete process.env.DOCENT_SOURCE_TEST_CONFLUENCE_TOKEN;
  });
  beforeEach(async () => {
    wiki = await new FakeConfluence({ email: EMAIL, token: TOKEN }).start();
    wiki.setPage('100', { title: 'Onboarding', body: `<p>Welcome to the team.</p><p>${filler}</p>` });
    wiki.setPage('101', {
      title: 'VPN',
      parentId: '100',
      body: `<p>Connect to the VPN with WireGuard using the office profile.</p><ac:structured-macro ac:name="code"><ac:parameter ac:name="language">bash</ac:parameter><ac:plain-text-body><![CDATA[wg-quick up office]]></ac:plain-text-body></ac:structured-macro><p>${filler}</p>`,
    });
    wiki.setPage('102', {
      title: 'API keys',
      parentId: '100',
      body: `<p>Rotate an API key from Settings, then Keys, then Rotate.</p><p>${filler}</p>`,
    });
    wiki.setPage('103', {
      title: 'Leave',
      body: `<p>Holiday requests go to your manager two weeks ahead.</p><p>${filler}</p>`,
    });
    id = await docent.addSource({
      kind: 'confluence',
      target: `${wiki.url}/wiki/spaces/ENG/overview`,
      email: EMAIL,
      token_env: 'DOCENT_SOURCE_TEST_CONFLUENCE_TOKEN',
    });
  });
  afterEach(async () => {
    await docent.removeAll();
    await wiki.stop();
  });

  it('indexes every page under its ancestors and answers with the page link, the token sent only to the site', async () => {
    const synced = await docent.sync(id);
    expect(synced).toMatchObject({
      status: 'ok',
      counts: { added: 4, failed: 0 },
      target: `${wiki.url}/wiki/spaces/ENG`,
    });
    const reply = await docent.ask('How do I rotate an API key?');
    expect(reply.sources.map((s) => s.source)).toContain(link('102', 'API keys'));
    expect(reply.sources.find((s) => s.source === link('102', 'API keys'))?.title).toBe(
      'Onboarding › API keys',
    );
    const [vpn] = await docent.service.services.knowledgeBase.search(
      'WireGuard office profile',
      { tenantId: 'default', scopes: ['tenant'] },
      { k: 1 },
    );
    expect(vpn?.text).toMatch(/wg-quick up office/);
    expect(vpn?.text).not.toMatch(/language|bash/);

    const basic = `Basic ${Buffer.from(`${EMAIL}:${TOKEN}`).toString('base64')}`;
    const requests = wiki.take();
    expect(requests.every((r) => r.authorization === basic && r.host === new URL(wiki.url).host)).toBe(true);
    const listed = await docent.admin('/admin/sources');
    expect(JSON.parse(listed.text).sources[0]).toMatchObject({
      kind: 'confluence',
      settings: { email: EMAIL },
      secret: 'env:DOCENT_SOURCE_TEST_CONFLUENCE_TOKEN',
    });
    expect(listed.text).not.toContain(TOKEN);
    expect(listed.text).not.toContain(basic.slice(6));
  });

  it('replaces an edited page and removes a deleted one, whose cached answer is no longer served', async () => {
    await docent.sync(id);
    await docent.ask('How do I rotate an API key?');
    expect((await docent.ask('How do I rotate an API key?')).cached).toBe(true);
    wiki.take();
    wiki.setPage('101', {
      title: 'VPN',
      parentId: '100',
      body: `<p>The VPN moved to Tailscale: install it and sign in with SSO.</p><p>${filler}</p>`,
    });
    wiki.deletePage('102');
    const synced = await docent.sync(id);
    expect(synced.counts).toMatchObject({ updated: 1, unchanged: 2, removed: 1, failed: 0 });
    expect(bodyFetches().map((r) => r.path)).toEqual(['/wiki/api/v2/pages/101']);
    const after = await docent.ask('How do I rotate an API key?');
    expect(after.cached).toBe(false);
    expect(after.sources.map((s) => s.source)).not.toContain(link('102', 'API keys'));
    expect((await docent.ask('Which VPN client do I install?')).answer).toMatch(/Tailscale/);
  });

  it('costs only the listing and embeds nothing when nothing changed', async () => {
    await docent.sync(id);
    wiki.take();
    const embedded = docent.embedded;
    const synced = await docent.sync(id);
    expect(synced.counts).toEqual({ added: 0, updated: 0, unchanged: 4, removed: 0, failed: 0 });
    expect(docent.embedded).toBe(embedded);
    // The space by its key, then two listing responses of two pages: no page's body.
    expect(wiki.take().map((r) => r.path)).toEqual([
      '/wiki/api/v2/spaces',
      '/wiki/api/v2/spaces/98304/pages',
      '/wiki/api/v2/spaces/98304/pages',
    ]);
  });

  it('keeps the others and the old copy when one page fails, records why, and the next sync completes', async () => {
    await docent.sync(id);
    wiki.setPage('101', {
      title: 'VPN',
      parentId: '100',
      body: `<p>The VPN moved to Tailscale.</p><p>${filler}</p>`,
    });
    wiki.setPage('103', {
      title: 'Leave',
      body: `<p>Holiday requests now go through the HR portal.</p><p>${filler}</p>`,
    });
    wiki.failing.add('101');
    const partial = await docent.sync(id);
    expect(partial).toMatchObject({
      status: 'partial',
      failures: 1,
      counts: { updated: 1, failed: 1, removed: 0 },
    });
    expect(partial.last_error).toMatch(/pages\/101.*answered 500/);
    expect((await docent.ask('How do I connect to the VPN?')).answer).toMatch(/WireGuard/);
    wiki.failing.clear();
    const retried = await docent.sync(id);
    expect(retried).toMatchObject({ status: 'ok', failures: 0, last_error: null, counts: { updated: 1 } });
  });

  it('says when the credentials are refused', async () => {
    await docent.sync(id);
    const refused = await docent.addSource({
      kind: 'confluence',
      target: `${wiki.url}/ENG`,
      email: 'someone-else@example.com',
      token_env: 'DOCENT_SOURCE_TEST_CONFLUENCE_TOKEN',
    });
    const failed = await docent.sync(refused);
    expect(failed).toMatchObject({ status: 'failed', counts: { removed: 0 } });
    expect(failed.last_error).toMatch(/refused the credentials .*\(401\): check the email and the API token/);
  });
});

describe('a confluence target', () => {
  const kind = confluenceSource({ allowPrivate: false, maxPages: 10, maxBytes: 1024 });
  it('is a space address or a site and a key, public and https', () => {
    expect(kind.checkTarget('https://acme.atlassian.net/wiki/spaces/ENG/pages/123/VPN')).toBe(
      'https://acme.atlassian.net/wiki/spaces/ENG',
    );
    expect(kind.checkTarget('acme.atlassian.net/~jo')).toBe('https://acme.atlassian.net/wiki/spaces/~jo');
    expect(() => kind.checkTarget('https://acme.atlassian.net/wiki/home')).toThrow(/names no space/);
    expect(() => kind.checkTarget('http://acme.atlassian.net/wiki/spaces/ENG')).toThrow(/ALLOW_PRIVATE_URLS/);
    expect(() => kind.checkTarget('https://10.0.0.5/wiki/spaces/ENG')).toThrow(/ALLOW_PRIVATE_URLS/);
    expect(() => kind.checkTarget('https://me:pw@acme.atlassian.net/wiki/spaces/ENG')).toThrow(/--email/);
  });
});
