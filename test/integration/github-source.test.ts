import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { githubWebUrl, parseRepositoryTarget } from '../../src/sources/github/github-target.js';
import { FakeGithubApi } from '../fakes/github-api.js';
import { type RunningService, startHttpService } from '../helpers/http-service.js';

const ADMIN = 'admin-token';
const API = 'api-token';
const GITHUB_TOKEN = 'ghp-never-shown-anywhere';
const blob = (path: string) => `https://github.com/acme/handbook/blob/main/${path}`;

describe('a github source', () => {
  let github: FakeGithubApi;
  let service: RunningService;
  let sourceId: string;
  let embedded = 0;
  const admin = async (path: string, body?: unknown) => {
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
  const sync = async () => (await admin(`/admin/sources/${sourceId}/sync`, true)).source;
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
    process.env.DOCENT_SOURCE_TEST_GITHUB_TOKEN = GITHUB_TOKEN;
    github = await new FakeGithubApi().start();
    github.files.set('docs/vpn.md', '# VPN\n\nConnect to the VPN with WireGuard using the office profile.\n');
    github.files.set(
      'docs/keys.mdx',
      '# API keys\n\nRotate an API key from Settings, then Keys, then Rotate.\n',
    );
    github.files.set('docs/leave.txt', 'Leave\n\nHoliday requests go to your manager two weeks ahead.\n');
    github.files.set('docs/logo.png', 'not text');
    github.files.set('src/index.ts', 'export const secret = 1;');
    github.files.set('README.md', '# Outside the folder read');
    service = await startHttpService({
      DOCENT_ADMIN_TOKEN: ADMIN,
      DOCENT_API_TOKEN: API,
      INGEST_THREADS: '0',
      GITHUB_API_URL: github.url,
      GITHUB_WEB_URL: 'https://github.com',
    });
    const { embedder } = service.services;
    const embed = embedder.embedDocuments.bind(embedder);
    embedder.embedDocuments = (texts) => {
      embedded += texts.length;
      return embed(texts);
    };
    const created = await admin('/admin/sources', {
      kind: 'github',
      target: 'acme/handbook/docs',
      token_env: 'DOCENT_SOURCE_TEST_GITHUB_TOKEN',
    });
    sourceId = created.source.id;
  });
  afterAll(async () => {
    await service.stop();
    await github.stop();
    delete process.env.DOCENT_SOURCE_TEST_GITHUB_TOKEN;
  });

  it('indexes the folder’s text files and answers with the file’s page on GitHub', async () => {
    expect(await sync()).toMatchObject({ status: 'ok', counts: { added: 3, failed: 0 } });
    const first = await ask('How do I rotate an API key?');
    expect(first.sources).toContain(blob('docs/keys.mdx'));
    expect((await ask('How do I rotate an API key?')).cached).toBe(true);
  });

  it('asks for the head commit only, and embeds nothing, when nothing changed', async () => {
    github.take();
    const before = embedded;
    const state = await sync();
    expect(state).toMatchObject({ status: 'ok', counts: { added: 0, updated: 0, unchanged: 3 } });
    expect(github.take().map((r) => r.path)).toEqual([
      '/repos/acme/handbook',
      '/repos/acme/handbook/branches/main',
    ]);
    expect(embedded).toBe(before);
  });

  it('re-reads only changed files, removes deleted ones, and stops serving answers made from them', async () => {
    github.files.set(
      'docs/vpn.md',
      '# VPN\n\nThe VPN moved to Tailscale: install it and sign in with SSO.\n',
    );
    github.files.delete('docs/keys.mdx');
    github.take();
    const state = await sync();
    expect(state.counts).toMatchObject({ updated: 1, unchanged: 1, removed: 1 });
    expect(github.take().filter((r) => r.path.includes('/git/blobs/'))).toHaveLength(1);
    const after = await ask('How do I rotate an API key?');
    expect(after.cached).toBe(false);
    expect(after.sources).not.toContain(blob('docs/keys.mdx'));
    expect((await ask('Which VPN client do I install?')).sources).toContain(blob('docs/vpn.md'));
  });

  it('keeps the other files when one fails, records why, and the next sync completes', async () => {
    github.files.set('docs/keys.mdx', '# API keys\n\nKeys are rotated by the security team.\n');
    github.files.set('docs/leave.txt', 'Leave\n\nHoliday requests go to HR now.\n');
    github.failing.add('docs/keys.mdx');
    const failed = await sync();
    expect(failed).toMatchObject({ status: 'partial', counts: { updated: 1, failed: 1, unchanged: 1 } });
    expect(failed.last_error).toMatch(/docs\/keys\.mdx: GitHub answered 500/);
    github.failing.clear();
    expect(await sync()).toMatchObject({ status: 'ok', counts: { added: 1, unchanged: 2, failed: 0 } });
  });

  it('stops at the rate limit with a clear error, removes nothing, and the next sync retries', async () => {
    github.files.set('docs/new.md', '# New\n\nA new page.\n');
    github.rateLimited = 1;
    const limited = await sync();
    expect(limited.status).toBe('failed');
    expect(limited.last_error).toMatch(/rate limit was reached; it resets at 20\d\d-/);
    expect(limited.counts.removed).toBe(0);
    expect(await sync()).toMatchObject({ status: 'ok', counts: { added: 1, unchanged: 3 } });
  });

  it('sends the token to the API host only, and never shows it', async () => {
    const host = new URL(github.url).host;
    expect(github.requests.length).toBeGreaterThan(0);
    expect(github.requests.every((r) => r.host === host && r.authorization?.includes(GITHUB_TOKEN))).toBe(
      true,
    );
    const listed = await fetch(`${service.url}/admin/sources`, {
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    const text = await listed.text();
    expect(text).toContain('env:DOCENT_SOURCE_TEST_GITHUB_TOKEN');
    expect(text).not.toContain(GITHUB_TOKEN);
  });
});

describe('github targets', () => {
  it('reads owner/repo[/folder][@branch] and refuses anything else in one sentence', () => {
    expect(parseRepositoryTarget('acme/handbook/docs/guides@release/2.0')).toEqual({
      owner: 'acme',
      repo: 'handbook',
      path: 'docs/guides',
      branch: 'release/2.0',
    });
    expect(() => parseRepositoryTarget('acme')).toThrow(/not a GitHub repository: use owner\/repo/);
    expect(() => parseRepositoryTarget('acme/repo/../etc')).toThrow(/invalid folder/);
    expect(() => parseRepositoryTarget('acme/repo@bad..branch')).toThrow(/not a valid branch/);
  });

  it('shows files of GitHub Enterprise on its own host', () => {
    expect(githubWebUrl('https://api.github.com')).toBe('https://github.com');
    expect(githubWebUrl('https://git.example.com/api/v3')).toBe('https://git.example.com');
  });
});
