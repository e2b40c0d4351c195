import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConsoleBrowser,
  chromiumPresent,
  openConsoleBrowser,
  openConsolePage,
} from '../helpers/console-browser.js';
import { type RunningService, startHttpService } from '../helpers/http-service.js';

// The admin console in a real headless Chromium, against the service in this process. Each step
// leaves a screenshot in test-results/console/.
const API = 'console-api-token';
const ADMIN = 'console-admin-token';
const UNANSWERABLE = 'What is the airspeed velocity of an unladen swallow?';

const haveChromium = chromiumPresent('console.test.ts');

let svc: RunningService;
let chrome: ConsoleBrowser;
let page: Page;

const adminCall = (route: string, init: RequestInit = {}) =>
  fetch(`${svc.url}${route}`, {
    ...init,
    headers: { authorization: `Bearer ${ADMIN}`, ...(init.headers as Record<string, string>) },
  });

async function ask(question: string): Promise<{ answer: string; cached: boolean }> {
  const response = await fetch(`${svc.url}/api/v1/query`, {
    method: 'POST',
    headers: { authorization: `Bearer ${API}`, 'content-type': 'application/json' },
    body: JSON.stringify({ question }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { answer: string; cached: boolean };
}

async function upload(file: string): Promise<void> {
  const form = new FormData();
  form.append('file', new Blob([await readFile(`samples/northwind/${file}`)]), file);
  expect((await adminCall('/admin/documents', { method: 'POST', body: form })).status).toBe(201);
}

/** The history writes after answering: wait until the admin API counts every question asked. */
async function historyCounts(questions: number): Promise<void> {
  for (let tries = 0; tries < 100; tries++) {
    const stats = (await (await adminCall('/admin/stats')).json()) as { questions: number };
    if (stats.questions >= questions) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the history never counted ${questions} questions`);
}

const open = (route: string, heading: string) => openConsolePage(page, svc.url, route, heading);
const screenshot = (name: string) => chrome.screenshot(name);

beforeAll(async () => {
  if (!haveChromium) return;
  svc = await startHttpService({
    DOCENT_API_TOKEN: API,
    DOCENT_ADMIN_TOKEN: ADMIN,
    RATE_LIMIT_PER_MINUTE: '0',
  });
  await upload('leave-policy.md');
  await upload('travel-policy.md');
  await ask('How many days of paid annual leave does a full-time employee get?');
  await ask('How many days of paid annual leave does a full-time employee get?');
  await ask('How do I book a flight for work travel?');
  await ask(UNANSWERABLE);
  await historyCounts(4);
  chrome = await openConsoleBrowser();
  page = chrome.page;
}, 45_000);

afterAll(async () => {
  await chrome?.close();
  await svc?.stop();
});

describe.runIf(haveChromium)('the admin console in Chromium', () => {
  it('serves the page with a strict policy and no data without the token', async () => {
    const response = await fetch(`${svc.url}/admin/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).not.toMatch(/<script>|<script\s+(?![^>]*src=)/);
    expect((await fetch(`${svc.url}/admin/stats`)).status).toBe(401);
  });

  it('asks for the token once, then keeps it for the tab', async () => {
    await page.goto(`${svc.url}/admin/`);
    await page.getByLabel('Admin token').fill('not-the-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('The bearer token is not valid for /admin.').waitFor();
    await screenshot('sign-in');
    await page.getByLabel('Admin token').fill(ADMIN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('docent-admin-token'))).toBe(ADMIN);
  });

  it('draws the overview charts from the statistics', async () => {
    await open('overview', 'Overview');
    await page.locator('canvas').nth(3).waitFor();
    expect(await page.locator('.figure', { hasText: 'Questions' }).locator('dd').textContent()).toBe('4');
    // Every chart has painted pixels: Chart.js drew on each canvas.
    const painted = await page.$$eval('canvas', (canvases) =>
      canvases.map((canvas) => {
        const { data } = (canvas as HTMLCanvasElement)
          .getContext('2d')
          ?.getImageData(0, 0, (canvas as HTMLCanvasElement).width, (canvas as HTMLCanvasElement).height) ?? {
          data: [],
        };
        let count = 0;
        for (let i = 3; i < data.length; i += 4) if ((data[i] ?? 0) > 0) count++;
        return count;
      }),
    );
    expect(painted).toHaveLength(4);
    for (const pixels of painted) expect(pixels).toBeGreaterThan(500);
    // The same figures as a table: today has the four questions, one of them cached.
    await page.getByText('Show as a table').first().click();
    const today = new Date().toISOString().slice(0, 10);
    expect(await page.getByRole('row').filter({ hasText: today }).first().textContent()).toBe(`${today}41`);
    await screenshot('overview');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot('overview-phone');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('finds a question in the history, with its answer and sources', async () => {
    await open('questions', 'Questions');
    await page.getByLabel('Question contains').fill('flight');
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    await page.getByRole('status').getByText('1 question found.').waitFor();
    const card = page.locator('article.question');
    expect(await card.count()).toBe(1);
    expect(await card.getByRole('heading', { level: 2 }).textContent()).toBe(
      'How do I book a flight for work travel?',
    );
    expect(await card.getByRole('listitem').first().textContent()).toContain('travel-policy.md');
    // Its trace: the steps that made the answer, with the passages it found.
    await card.getByRole('button', { name: 'Show trace' }).click();
    await card.locator('pre.trace').getByText('"retrieve"').waitFor();
    await screenshot('questions');
  });

  it('lists what the documents could not answer', async () => {
    await open('gaps', 'Coverage gaps');
    await page.getByRole('heading', { level: 2, name: UNANSWERABLE }).waitFor();
    await screenshot('gaps');
  });

  it('removes a document, which is then gone', async () => {
    await open('documents', 'Documents');
    await page.getByRole('cell', { name: 'Business Travel Policy', exact: true }).waitFor();
    // Sizes as people read them: leave-policy.md is 4,156 bytes.
    const leave = page.getByRole('row', { name: /Leave Policy/ });
    expect(await leave.getByRole('cell', { name: '4.1 KB', exact: true }).count()).toBe(1);
    await page.getByRole('button', { name: 'Remove Business Travel Policy' }).click();
    await page.getByRole('status').getByText('Removed Business Travel Policy.').waitFor();
    expect(await page.getByRole('cell', { name: 'Business Travel Policy', exact: true }).count()).toBe(0);
    const { documents } = (await (await adminCall('/admin/documents')).json()) as {
      documents: { title: string }[];
    };
    expect(documents.map((d) => d.title)).toEqual(['Leave Policy']);
    await screenshot('documents');
  });

  it('writes a curated answer from a coverage gap, and the next answer uses it', async () => {
    await open('gaps', 'Coverage gaps');
    const gap = page.locator('article.gap', { has: page.getByRole('heading', { name: UNANSWERABLE }) });
    await gap.getByText('Write the answer').click();
    await gap.getByLabel('Answer').fill('About 11 metres per second, for a European swallow.');
    await gap.getByRole('button', { name: 'Publish the answer' }).click();
    await gap.getByText('Answer published').waitFor();
    expect((await ask(UNANSWERABLE)).answer).toContain('About 11 metres per second');
    await open('answers', 'Curated answers');
    await page.getByRole('heading', { level: 2, name: UNANSWERABLE }).waitFor();
    await screenshot('answers');
  });

  it('shows failed jobs, flushes the selected tenant’s answers, and empties the cache', async () => {
    await open('jobs', 'Ingestion jobs');
    await page.getByText('No failed ingestion jobs.').waitFor();
    await screenshot('jobs');
    const question = 'How many days of paid annual leave does a full-time employee get?';
    await ask(question);
    expect((await ask(question)).cached).toBe(true);
    await open('cache', 'Answer cache');
    await page.getByLabel('Tenant').fill('default');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByRole('button', { name: 'Flush default’s cached answers' }).click();
    await page.getByRole('status').getByText('The cached answers of default are flushed').waitFor();
    expect((await ask(question)).cached).toBe(false);
    await page.getByRole('button', { name: 'Empty the answer cache' }).click();
    await page.getByRole('status').getByText('The answer cache is empty').waitFor();
    await screenshot('cache');
  });

  it('can be used from the keyboard, and the page reported no problem', async () => {
    await open('overview', 'Overview');
    // A fresh load: focus starts at the top of the page.
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    expect(chrome.problems).toEqual([]);
  });
});
