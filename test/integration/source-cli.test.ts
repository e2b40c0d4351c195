import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeWebSite, pageAbout } from '../fakes/web-site.js';
import { runCli } from '../helpers/run-cli.js';

const TOKEN = 'cli-wiki-token-never-printed';

describe('docent source', () => {
  let root: string;
  let site: FakeWebSite;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'docent-source-cli-'));
    site = await new FakeWebSite().start();
    site.pages.set(
      '/docs/keys',
      pageAbout('API keys', 'Rotate an API key from Settings, then Keys, then Rotate.'),
    );
  });
  afterAll(async () => {
    await site.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('refuses a private address without ALLOW_PRIVATE_URLS, in one sentence', async () => {
    const refused = await runCli(['source', 'add', 'web', `${site.url}/docs/sitemap.xml`], {
      env: { DATA_DIR: path.join(root, 'refused') },
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/127\.0\.0\.1 is a private address; set ALLOW_PRIVATE_URLS=true/);
    expect(site.requests).toEqual([]);
  });

  it('adds, syncs, lists without the token, and removes with its documents', async () => {
    const env = {
      DATA_DIR: path.join(root, 'data'),
      ALLOW_PRIVATE_URLS: 'true',
      DOCENT_SOURCE_WIKI_TOKEN: TOKEN,
    };
    const cli = (...args: string[]) => runCli(args, { env });
    const added = await cli(
      'source',
      'add',
      'web',
      `${site.url}/docs/sitemap.xml`,
      '--every',
      '2h',
      '--token-env',
      'DOCENT_SOURCE_WIKI_TOKEN',
      '--json',
    );
    expect(added.code).toBe(0);
    const { id } = JSON.parse(added.stdout);

    const synced = await cli('source', 'sync', id);
    expect(synced.code).toBe(0);
    expect(synced.stdout).toMatch(/ok at .*added 1, updated 0, unchanged 0, removed 0, failed 0/);
    expect(site.requests.at(-1)?.authorization).toBe(`Bearer ${TOKEN}`);

    const listed = await cli('source', 'list', '--json');
    expect(JSON.parse(listed.stdout)).toMatchObject([
      { id, every_ms: 7_200_000, secret: 'env:DOCENT_SOURCE_WIKI_TOKEN', status: 'ok', counts: { added: 1 } },
    ]);

    const removed = await cli('source', 'rm', id);
    expect(removed.stdout).toBe(`removed ${id} and its 1 document(s)\n`);
    for (const output of [added, synced, listed, removed])
      expect(output.stdout + output.stderr).not.toContain(TOKEN);
    // Four commands, each a process of its own opening the data directory.
  }, 120_000);
});
