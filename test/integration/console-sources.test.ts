import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeWebSite, pageAbout } from '../fakes/web-site.js';
import {
  type ConsoleBrowser,
  chromiumPresent,
  openConsoleBrowser,
  signIn,
} from '../helpers/console-browser.js';
import { type RunningService, startHttpService } from '../helpers/http-service.js';

// The console's sources and auto-answer pages in headless Chromium, against the service in this
// process and a web site on 127.0.0.1. Screenshots go to test-results/console/.
const API = 'console-sources-api-token';
const ADMIN = 'console-sources-admin-token';
const WIKI_TOKEN = 'wiki-token-never-shown';

const haveChromium = chromiumPresent('console-sources.test.ts');

let svc: RunningService;
let site: FakeWebSite;
let chrome: ConsoleBrowser;
let page: Page;

const adminJson = async <T>(route: string): Promise<T> => {
  const response = await fetch(`${svc.url}${route}`, { headers: { authorization: `Bearer ${ADMIN}` } });
  expect(response.status).toBe(200);
  return (await response.json()) as T;
};

async function ask(question: string): Promise<{ answer: string; sources: { source: string }[] }> {
  const response = await fetch(`${svc.url}/api/v1/query`, {
    method: 'POST',
    headers: { authorization: `Bearer ${API}`, 'content-type': 'application/json' },
    body: JSON.stringify({ question }),
  });
  expect(response.status).toBe(200);
  return response.json();
}

const status = (text: string | RegExp) => page.getByRole('status').getByText(text).waitFor();

beforeAll(async () => {
  if (!haveChromium) return;
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
  [svc, chrome] = await Promise.all([
    startHttpService({
      DOCENT_API_TOKEN: API,
      DOCENT_ADMIN_TOKEN: ADMIN,
      ALLOW_PRIVATE_URLS: 'true',
      INGEST_THREADS: '0',
      RATE_LIMIT_PER_MINUTE: '0',
      AUTO_ANSWER_CHANNELS: 'C0EVERYONE',
    }),
    openConsoleBrowser(),
  ]);
  page = chrome.page;
  await signIn(page, svc.url, ADMIN);
}, 45_000);

afterAll(async () => {
  await chrome?.close();
  await svc?.stop();
  await site?.stop();
  delete process.env.DOCENT_SOURCE_TEST_WIKI_TOKEN;
});

describe.runIf(haveChromium)('the console’s sources and auto-answer pages', () => {
  it('moves focus to the heading of the page a link leads to', async () => {
    await page.getByRole('link', { name: 'Sources' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sources' }).waitFor();
    await page.getByText('No sources yet.').waitFor();
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
  });

  it('adds a web source, syncs it, answers from it, and removes it with its documents', async () => {
    const target = `${site.url}/docs/sitemap.xml`;
    await page.getByLabel('Kind').selectOption('web');
    await page.getByLabel('Target').fill(target);
    await page.getByLabel('Sync every').fill('1h');
    await page.getByLabel('Secret read from').selectOption({ label: 'Environment variable' });
    await page.getByLabel('Variable or file name').fill('DOCENT_SOURCE_TEST_WIKI_TOKEN');
    await page.getByRole('button', { name: 'Add the source' }).click();
    await status(/^Added .*sitemap\.xml \(src_/);
    const row = page.getByRole('row', { name: /sitemap\.xml/ });
    await row.getByRole('cell', { name: 'not synced yet', exact: true }).waitFor();
    expect(await row.getByRole('cell', { name: 'every 1h', exact: true }).count()).toBe(1);
    expect(
      await row.getByRole('cell', { name: 'secret from env:DOCENT_SOURCE_TEST_WIKI_TOKEN' }).count(),
    ).toBe(1);

    await page.getByRole('button', { name: `Sync ${target} now` }).click();
    const counts = '2 added, 0 updated, 0 unchanged, 0 removed, 0 failed';
    await status(`${target}: ok, ${counts}.`);
    await row.getByRole('cell', { name: counts, exact: true }).waitFor();
    expect(site.requests.some((r) => r.authorization === `Bearer ${WIKI_TOKEN}`)).toBe(true);
    expect(await page.content()).not.toContain(WIKI_TOKEN);
    await chrome.screenshot('sources');
    await page.setViewportSize({ width: 390, height: 844 });
    await chrome.screenshot('sources-phone');
    await page.setViewportSize({ width: 1280, height: 900 });

    const answer = await ask('How do I rotate an API key?');
    expect(answer.sources.map((s) => s.source)).toContain(`${site.url}/docs/keys`);

    await page.getByRole('button', { name: `Remove ${target}` }).click();
    await status(`Removed ${target} and its 2 documents.`);
    await page.getByText('No sources yet.').waitFor();
    expect((await adminJson<{ sources: unknown[] }>('/admin/sources')).sources).toEqual([]);
    expect((await ask('How do I rotate an API key?')).sources).toEqual([]);
  });

  it('checks the period in the browser, and shows a failed sync’s error', async () => {
    const target = `${site.url}/missing/sitemap.xml`;
    await page.getByLabel('Target').fill(target);
    await page.getByLabel('Tenant', { exact: true }).fill('acme');
    await page.getByLabel('Sync every').fill('5x');
    await page.getByRole('button', { name: 'Add the source' }).click();
    // The browser's own check stops a period it cannot read before any call is made.
    expect(
      await page.getByLabel('Sync every').evaluate((input) => (input as HTMLInputElement).validity.valid),
    ).toBe(false);
    await page.getByLabel('Sync every').fill('');
    await page.getByRole('button', { name: 'Add the source' }).click();
    await status(/^Added /);
    await page.getByRole('table', { name: 'Sources of acme' }).waitFor();
    await page.getByRole('button', { name: /^Sync .*missing.* now$/ }).click();
    await page
      .getByRole('status')
      .getByText(/: failed/)
      .waitFor();
    const row = page.getByRole('row', { name: /missing/ });
    const error = row.locator('td .error');
    await error.waitFor();
    expect(await error.textContent()).toBe(`${target}: the server answered 404; nothing was read.`);
    await chrome.screenshot('sources-failed');
  });

  it('sets a tenant’s auto-answer channel, which the API then lists', async () => {
    await page.getByRole('link', { name: 'Auto-answer channels' }).click();
    await page.getByRole('heading', { level: 1, name: 'Auto-answer channels' }).waitFor();
    await page.getByText('C0EVERYONE').waitFor();
    await page.getByLabel('Channel id').fill('C0HELP');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByText('Unsaved changes.').waitFor();
    await page.getByLabel('Channel id').fill('C0OTHER');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('button', { name: 'Remove C0OTHER' }).click();
    await page.getByRole('button', { name: 'Save the channels' }).click();
    await status('Saved: default auto-answers in C0HELP.');
    const stored = await adminJson<{ channels: string[]; configured: string[] }>(
      '/admin/auto-answer?tenant=default',
    );
    expect(stored).toMatchObject({ channels: ['C0HELP'], configured: ['C0EVERYONE'] });
    await chrome.screenshot('auto-answer');
    await page.setViewportSize({ width: 390, height: 844 });
    await chrome.screenshot('auto-answer-phone');
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(chrome.problems).toEqual([]);
  });
});
