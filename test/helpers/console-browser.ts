import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

// The admin console's tests drive Debian's Chromium, never a downloaded one. Without it a
// developer's `npm test` passes over them and says so; CI installs it.
export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = path.resolve('test-results/console');

export function chromiumPresent(file: string): boolean {
  const present = existsSync(CHROMIUM);
  if (!present && process.env.CI) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  if (!present) console.warn(`${file} skipped: no ${CHROMIUM} (apt-get install -y chromium)`);
  return present;
}

export interface ConsoleBrowser {
  browser: Browser;
  page: Page;
  /** Problems the page reported: script errors, Content-Security-Policy refusals, failed calls. */
  problems: string[];
  screenshot(name: string): Promise<Buffer>;
  close(): Promise<void>;
}

/**
 * Chromium with one page that records its problems and accepts every confirmation. Expected
 * refusals (the wrong token tried at sign-in: 401) are not problems.
 */
export async function openConsoleBrowser(): Promise<ConsoleBrowser> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    // Playwright gives each launch a fresh profile and passes --headless and --no-sandbox itself.
    args: [
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    // Failed requests are judged below, by their address.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
      problems.push(message.text());
  });
  page.on('response', (response) => {
    const { pathname } = new URL(response.url());
    if (response.status() >= 400 && response.status() !== 401)
      problems.push(`${response.status()} ${pathname}`);
  });
  page.on('dialog', (dialog) => void dialog.accept());
  return {
    browser,
    page,
    problems,
    screenshot: (name) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true }),
    close: () => browser.close(),
  };
}

/** Opens a page of the console and waits for its heading. */
export async function openConsolePage(
  page: Page,
  url: string,
  route: string,
  heading: string,
): Promise<void> {
  await page.goto(`${url}/admin/#/${route}`);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
}

/** Signs in through the sign-in screen, as an operator does. */
export async function signIn(page: Page, url: string, token: string): Promise<void> {
  await page.goto(`${url}/admin/`);
  await page.getByLabel('Admin token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
}
