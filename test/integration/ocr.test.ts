import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { type RunningService, startHttpService } from '../helpers/http-service.js';
import { blankPng, encodePng, scannedPdf, scannedPng } from '../helpers/scanned-files.js';

const API = 'api-secret';
const ADMIN = 'admin-secret';
let svc: RunningService;

const call = (route: string, token: string, init: RequestInit = {}) =>
  fetch(`${svc.url}${route}`, { ...init, headers: { authorization: `Bearer ${token}`, ...init.headers } });
const upload = async (name: string, bytes: Uint8Array) => {
  const form = new FormData();
  form.append('file', new Blob([Buffer.from(bytes)]), name);
  return (await call('/admin/documents', ADMIN, { method: 'POST', body: form })).json();
};
const ask = async (question: string) =>
  (
    await call('/api/v1/query', API, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ question }),
    })
  ).json();

beforeAll(async () => {
  // One ingestion thread: uploads go through the thread that runs OCR, as a shared file's job does.
  svc = await startHttpService({
    DOCENT_API_TOKEN: API,
    DOCENT_ADMIN_TOKEN: ADMIN,
    RATE_LIMIT_PER_MINUTE: '0',
    INGEST_THREADS: '1',
    OCR_MAX_PAGES: '3',
    OCR_MAX_PIXELS: '4000000',
  });
});

afterAll(async () => {
  await svc?.stop();
});

describe('OCR: scanned images and PDFs are read', () => {
  it('reads a PNG and answers a question from its text', async () => {
    const { results } = await upload('vault-note.png', scannedPng(['THE BADGER VAULT CODE IS 4417.']));
    expect(results[0]).toMatchObject({ status: 'indexed', source: 'vault-note.png' });
    const answer = await ask('what is the badger vault code?');
    expect(answer.answer).toContain('4417');
    expect(answer.sources[0]).toMatchObject({ source: 'vault-note.png' });
  });

  it('reads the pages of a PDF that has no text layer', async () => {
    const pdf = scannedPdf([['ARCHIVE SHELF MAP'], ['THE WALRUS ARCHIVE IS ON SHELF 12.']]);
    const { results } = await upload('shelves.pdf', pdf);
    expect(results[0]).toMatchObject({ status: 'indexed', source: 'shelves.pdf' });
    const answer = await ask('which shelf is the walrus archive on?');
    expect(answer.answer).toMatch(/SHELF 12/i);
  });

  it('gives one sentence for a scan with no text, and stores nothing', async () => {
    const { results } = await upload('photo.png', blankPng());
    expect(results[0].error).toMatchObject({
      code: 'no_text',
      message: 'photo.png: no readable text found.',
    });
    const list = await (await call('/admin/documents', ADMIN)).json();
    expect(list.documents.map((d: { source: string }) => d.source)).not.toContain('photo.png');
  });

  it('refuses a pixel bomb from its header, and a PDF with too many scanned pages', async () => {
    // 10 × 10 pixels of data under a header declaring 60,000 × 60,000: decoding it would be the harm.
    const bomb = encodePng(
      { width: 10, height: 10, pixels: new Uint8Array(100) },
      { width: 60_000, height: 60_000 },
    );
    const refused = (await upload('bomb.png', bomb)).results[0].error;
    expect(refused).toMatchObject({ code: 'too_large' });
    expect(refused.message).toContain('bomb.png: refused, the image is 60,000 × 60,000 pixels');
    const long = scannedPdf([['A'], ['B'], ['C'], ['D']]);
    expect((await upload('long.pdf', long)).results[0].error.message).toContain('more than 3 scanned pages');
  });
});

describe('OCR settings', () => {
  it('refuses to start with a language that is not installed', () => {
    expect(() => loadConfig({ OCR_LANGUAGES: 'eng,klingon' })).toThrow(ConfigError);
    expect(() => loadConfig({ OCR_LANGUAGES: 'xyz' })).toThrow(/OCR_LANGUAGES: "xyz" not installed/);
    expect(loadConfig({ OCR: 'false', OCR_LANGUAGES: 'eng' }).ocr).toBeUndefined();
  });

  it('reads without the network: every connection attempt fails in the process and its threads', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'docent-ocr-offline-'));
    try {
      const offline = path.join(dir, 'no-network.cjs');
      await writeFile(
        offline,
        "require('node:net').Socket.prototype.connect = () => { throw new Error('network used'); };\n",
      );
      const script = path.join(dir, 'read.mts');
      const root = path.resolve(import.meta.dirname, '../..');
      await writeFile(
        script,
        `import { TesseractOcr } from '${root}/src/ingestion/ocr/tesseract-ocr.ts';
import { scannedPng } from '${root}/test/helpers/scanned-files.ts';
const ocr = new TesseractOcr({ languages: ['eng'], maxPages: 1, maxPixels: 4e6, timeoutMs: 20000 });
console.log(await ocr.recognize(scannedPng(['QUIET STORK 77']), Date.now() + 20000, 'heron.png'));
await ocr.close();
`,
      );
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['--require', offline, '--import', 'tsx', script],
        { cwd: root, timeout: 30_000 },
      );
      expect(stdout).toContain('STORK');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
