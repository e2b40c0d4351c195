import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notionSource } from '../../src/sources/notion/notion-source.js';
import {
  bullet,
  code,
  FakeNotionApi,
  type FakeNotionPage,
  heading,
  paragraph,
  table,
  todo,
} from '../fakes/notion-api.js';
import { type RunningService, startHttpService } from '../helpers/http-service.js';

const ADMIN = 'admin-token';
const API = 'api-token';
const NOTION_TOKEN = 'secret_notion-never-shown';

describe('a notion source', () => {
  let notion: FakeNotionApi;
  let service: RunningService;
  let sourceId: string;
  let embedded = 0;
  let root: FakeNotionPage;
  let vpn: FakeNotionPage;
  let deploy: FakeNotionPage;
  const admin = async (path: string, body?: object | 'post') => {
    const response = await fetch(`${service.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        authorization: `Bearer ${ADMIN}`,
        ...(typeof body === 'object' ? { 'content-type': 'application/json' } : {}),
      },
      body: typeof body === 'object' ? JSON.stringify(body) : undefined,
    });
    return response.json();
  };
  const sync = async (id = sourceId) => (await admin(`/admin/sources/${id}/sync`, 'post')).source;
  const ask = async (question: string) => {
    const response = await fetch(`${service.url}/api/v1/query`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API}`, 'content-type': 'application/json' },
      body: JSON.stringify({ question }),
    });
    const answer = await response.json();
    return { cached: answer.cached, sources: answer.sources.map((s: { source: string }) => s.source) };
  };

  beforeAll(async () => {
    process.env.DOCENT_SOURCE_TEST_NOTION_TOKEN = NOTION_TOKEN;
    notion = await new FakeNotionApi().start();
    notion.token = NOTION_TOKEN;
    notion.pageSize = 2;
    root = notion.add('Handbook', [heading('Welcome'), paragraph('The handbook of the platform team.')]);
    vpn = notion.add(
      'VPN',
      [
        paragraph('Connect to the VPN with WireGuard using the office profile.'),
        bullet('Install WireGuard', [bullet('Import the office profile')]),
        todo('Ask IT for a profile', true),
        code('wg-quick up office'),
      ],
      root.id,
    );
    const runbooks = notion.addDatabase('Runbooks', root.id);
    deploy = notion.add(
      'Deploy',
      [
        paragraph('Deploy on Tuesdays with the release train.'),
        table([
          ['Step', 'Who'],
          ['Tag', 'Release manager'],
        ]),
      ],
      runbooks,
    );
    notion.add('Rollback', [paragraph('Roll back with the previous image tag.')], runbooks);
    service = await startHttpService({
      DOCENT_ADMIN_TOKEN: ADMIN,
      DOCENT_API_TOKEN: API,
      INGEST_THREADS: '0',
      NOTION_API_URL: notion.url,
    });
    const { embedder } = service.services;
    const embed = embedder.embedDocuments.bind(embedder);
    embedder.embedDocuments = (texts) => {
      embedded += texts.length;
      return embed(texts);
    };
    const created = await admin('/admin/sources', {
      kind: 'notion',
      target: notion.urlOf(root),
      token_env: 'DOCENT_SOURCE_TEST_NOTION_TOKEN',
    });
    sourceId = created.source.id;
  });
  afterAll(async () => {
    await service.stop();
    await notion.stop();
    delete process.env.DOCENT_SOURCE_TEST_NOTION_TOKEN;
  });

  it('indexes the page, its sub-pages and its database rows, and answers with the page’s link', async () => {
    expect(await sync()).toMatchObject({ status: 'ok', counts: { added: 4, failed: 0 } });
    const first = await ask('Which VPN client do I use?');
    expect(first.sources).toContain(notion.urlOf(vpn));
    expect((await ask('Which VPN client do I use?')).cached).toBe(true);
    expect((await ask('When do we deploy?')).sources).toContain(notion.urlOf(deploy));
  });

  it('reads no blocks and embeds nothing when no page was edited', async () => {
    notion.take();
    const before = embedded;
    expect(await sync()).toMatchObject({ status: 'ok', counts: { added: 0, updated: 0, unchanged: 4 } });
    const requests = notion.take();
    expect(requests.filter((r) => r.path.includes('/blocks/'))).toEqual([]);
    expect(requests.length).toBeLessThanOrEqual(6);
    expect(embedded).toBe(before);
  });

  it('re-reads an edited page, and removes a deleted one with the answers made from it', async () => {
    notion.edit(deploy, [paragraph('Deploy any weekday before 3pm with the deploy bot.')]);
    vpn.trashed = true;
    const state = await sync();
    expect(state.counts).toMatchObject({ updated: 1, removed: 1 });
    const after = await ask('Which VPN client do I use?');
    expect(after.cached).toBe(false);
    expect(after.sources).not.toContain(notion.urlOf(vpn));
    expect((await ask('When do we deploy?')).sources).toContain(notion.urlOf(deploy));
  });

  it('keeps the other pages when one fails, records why, and the next sync completes', async () => {
    notion.edit(deploy, [paragraph('Deploys are frozen in December.')]);
    notion.edit(root, [paragraph('The handbook, now with a freeze calendar.')]);
    notion.failing.add(deploy.id);
    const failed = await sync();
    expect(failed).toMatchObject({ status: 'partial', counts: { failed: 1, updated: 1, removed: 0 } });
    expect(failed.last_error).toMatch(/Deploy-.*: Notion answered 500/);
    notion.failing.clear();
    expect(await sync()).toMatchObject({ status: 'ok', counts: { updated: 1, failed: 0 } });
  });

  it('waits out a rate limit as Retry-After asks', async () => {
    notion.rateLimited = 1;
    notion.take();
    expect(await sync()).toMatchObject({ status: 'ok' });
    const requests = notion.take();
    expect(requests[0]?.status).toBe(429);
    expect(requests[1]?.status).toBe(200);
  });

  it('reads everything shared with workspace, sending the token to the API host only, never showing it', async () => {
    const created = await admin('/admin/sources', {
      kind: 'notion',
      target: 'workspace',
      tenant: 'everything',
      token_env: 'DOCENT_SOURCE_TEST_NOTION_TOKEN',
    });
    expect(await sync(created.source.id)).toMatchObject({ status: 'ok', counts: { added: 3 } });
    const host = new URL(notion.url).host;
    expect(
      notion.requests.every((r) => r.host === host && r.authorization === `Bearer ${NOTION_TOKEN}`),
    ).toBe(true);
    const text = await (
      await fetch(`${service.url}/admin/sources`, { headers: { authorization: `Bearer ${ADMIN}` } })
    ).text();
    expect(text).toContain('env:DOCENT_SOURCE_TEST_NOTION_TOKEN');
    expect(text).not.toContain(NOTION_TOKEN);
  });

  it('stops at a refused token and removes nothing', async () => {
    notion.token = 'rotated';
    const refused = await sync();
    expect(refused).toMatchObject({ status: 'failed', counts: { removed: 0 } });
    expect(refused.last_error).toMatch(/Notion refused the integration token/);
    notion.token = NOTION_TOKEN;
    expect(await sync()).toMatchObject({ status: 'ok', counts: { removed: 0 } });
  });
});

describe('notion targets', () => {
  it('takes a page or database id or link, or workspace, and refuses anything else in one sentence', () => {
    const kind = notionSource({ apiUrl: 'https://api.notion.com', maxPages: 10, maxBytes: 1000 });
    expect(kind.checkTarget('workspace')).toBe('workspace');
    expect(kind.checkTarget('https://www.notion.so/acme/Handbook-0123456789abcdef0123456789abcdef')).toBe(
      '01234567-89ab-cdef-0123-456789abcdef',
    );
    expect(() => kind.checkTarget('handbook')).toThrow(/not a Notion page or database: use its id/);
  });
});
