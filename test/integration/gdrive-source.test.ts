import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { gdriveSource } from '../../src/sources/gdrive/gdrive-source.js';
import { FakeGoogleDrive } from '../fakes/google-drive.js';
import { makeDocx, makePdf } from '../helpers/make-files.js';
import { startSourceService } from '../helpers/source-service.js';

const ROOT = 'rootFolder0001';
const filler =
  'This document belongs to the team handbook and is kept up to date by the platform group. Ask in the help channel when something here is unclear.';
const DOC = 'application/vnd.google-apps.document';
const PDF = 'application/pdf';
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const docHtml = (title: string, fact: string) =>
  `<html><head><title>${title}</title></head><body><h1>${title}</h1><p>${fact}</p><p>${filler}</p></body></html>`;
const pdfLink = (id: string) => `https://drive.google.com/file/d/${id}/view`;

describe('a gdrive source', () => {
  let docent: Awaited<ReturnType<typeof startSourceService>>;
  let drive: FakeGoogleDrive;
  let dir: string;
  let keyFile: string;
  let id: string;
  const downloads = () => drive.take().filter((r) => r.path.startsWith('/drive/v3/files/'));

  beforeAll(async () => {
    drive = await new FakeGoogleDrive().start();
    dir = await mkdtemp(path.join(tmpdir(), 'docent-gdrive-'));
    keyFile = path.join(dir, 'sa.json');
    await writeFile(keyFile, drive.keyFile());
    docent = await startSourceService({ SOURCE_GDRIVE_API_URL: drive.url, SOURCE_SECRETS_DIR: dir });
  });
  afterAll(async () => {
    await docent.stop();
    await drive.stop();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    drive.reset();
    drive.folder(ROOT, 'Handbook');
    drive.folder('subFolder0001', 'Security', ROOT);
    drive.folder('elsewhere0001', 'Archive');
    drive.file('docVpn', {
      name: 'VPN',
      mimeType: DOC,
      parent: ROOT,
      content: docHtml('VPN', 'Connect to the VPN with WireGuard using the office profile.'),
    });
    drive.file('pdfKeys', {
      name: 'API keys.pdf',
      mimeType: PDF,
      parent: 'subFolder0001',
      content: makePdf([['API keys', 'Rotate an API key from Settings, then Keys, then Rotate.', filler]]),
    });
    drive.file('docxLeave', {
      name: 'Leave.docx',
      mimeType: DOCX,
      parent: ROOT,
      content: await makeDocx(['Leave', 'Holiday requests go to your manager two weeks ahead.', filler]),
    });
    drive.file('mdExpenses', {
      name: 'expenses.md',
      mimeType: 'text/markdown',
      parent: ROOT,
      content: `# Expenses\n\nExpense claims are filed in the finance portal by the fifth of the month.\n\n${filler}\n`,
    });
    drive.file('pngLogo', { name: 'logo.png', mimeType: 'image/png', parent: ROOT, content: 'not read' });
    id = await docent.addSource({
      kind: 'gdrive',
      target: `https://drive.google.com/drive/u/0/folders/${ROOT}?usp=sharing`,
      key_file: keyFile,
    });
  });
  afterEach(async () => docent.removeAll());

  it('indexes docs, PDFs and Word files of the folder and its subfolders, answering with their links', async () => {
    const synced = await docent.sync(id);
    expect(synced).toMatchObject({
      status: 'ok',
      counts: { added: 4, failed: 0 },
      target: `https://drive.google.com/drive/folders/${ROOT}`,
    });
    const reply = await docent.ask('How do I rotate an API key?');
    expect(reply.sources.map((s) => s.source)).toContain(pdfLink('pdfKeys'));
    const docs = await docent.service.services.knowledgeBase.listDocuments('default');
    expect(docs.map((d) => d.source).sort()).toEqual(
      [
        'https://docs.google.com/document/d/docVpn/edit',
        pdfLink('docxLeave'),
        pdfLink('mdExpenses'),
        pdfLink('pdfKeys'),
      ].sort(),
    );

    // The key's assertion went to its token_uri, the access token to the API, both on the fake.
    const requests = drive.take();
    expect(requests.every((r) => r.host === new URL(drive.url).host)).toBe(true);
    expect(requests.filter((r) => r.path === '/token')).toHaveLength(1);
    const api = requests.filter((r) => r.path !== '/token');
    expect(api.every((r) => r.authorization === `Bearer ${drive.accessToken}`)).toBe(true);
    const listed = await docent.admin('/admin/sources');
    expect(JSON.parse(listed.text).sources[0]).toMatchObject({
      kind: 'gdrive',
      secret: `key-file:${keyFile}`,
    });
    expect(listed.text).not.toMatch(/PRIVATE KEY|ya29|gserviceaccount/);
  });

  it('replaces an edited doc, and removes trashed and moved-out files, whose cached answers are no longer served', async () => {
    await docent.sync(id);
    await docent.ask('How do I rotate an API key?');
    expect((await docent.ask('How do I rotate an API key?')).cached).toBe(true);
    drive.file('docVpn', {
      name: 'VPN',
      mimeType: DOC,
      parent: ROOT,
      content: docHtml('VPN', 'The VPN moved to Tailscale: install it and sign in with SSO.'),
    });
    drive.trash('pdfKeys');
    drive.move('mdExpenses', 'elsewhere0001');
    drive.take();
    const synced = await docent.sync(id);
    expect(synced.counts).toMatchObject({ updated: 1, unchanged: 1, removed: 2, failed: 0 });
    expect(downloads().map((r) => r.path)).toEqual(['/drive/v3/files/docVpn/export']);
    const after = await docent.ask('How do I rotate an API key?');
    expect(after.cached).toBe(false);
    expect(after.sources.map((s) => s.source)).not.toContain(pdfLink('pdfKeys'));
    expect((await docent.ask('Which VPN client do I install?')).answer).toMatch(/Tailscale/);
    expect(
      (await docent.service.services.knowledgeBase.listDocuments('default')).map((d) => d.source),
    ).not.toContain(pdfLink('mdExpenses'));
  });

  it('downloads and embeds nothing when nothing changed, in a few listing requests', async () => {
    await docent.sync(id);
    drive.take();
    const embedded = docent.embedded;
    const synced = await docent.sync(id);
    expect(synced.counts).toEqual({ added: 0, updated: 0, unchanged: 4, removed: 0, failed: 0 });
    expect(docent.embedded).toBe(embedded);
    // A token, then the root's listing (six entries, three a page) and the subfolder's.
    expect(drive.take().map((r) => r.path)).toEqual([
      '/token',
      '/drive/v3/files',
      '/drive/v3/files',
      '/drive/v3/files',
    ]);
  });

  it('keeps the others and the old copy when one file fails, records why, and the next sync completes', async () => {
    await docent.sync(id);
    drive.file('pdfKeys', {
      name: 'API keys.pdf',
      mimeType: PDF,
      parent: 'subFolder0001',
      content: makePdf([['API keys', 'Keys are now rotated by the security team.', filler]]),
    });
    drive.file('docVpn', {
      name: 'VPN',
      mimeType: DOC,
      parent: ROOT,
      content: docHtml('VPN', 'The VPN moved to Tailscale.'),
    });
    drive.failing.add('pdfKeys');
    const partial = await docent.sync(id);
    expect(partial).toMatchObject({
      status: 'partial',
      failures: 1,
      counts: { updated: 1, failed: 1, removed: 0 },
    });
    expect(partial.last_error).toMatch(/API keys\.pdf: Google Drive answered 500/);
    expect((await docent.ask('How do I rotate an API key?')).sources.map((s) => s.source)).toContain(
      pdfLink('pdfKeys'),
    );
    drive.failing.clear();
    expect(await docent.sync(id)).toMatchObject({
      status: 'ok',
      failures: 0,
      last_error: null,
      counts: { updated: 1 },
    });
  });
});

describe('a gdrive target', () => {
  const kind = gdriveSource({ rootUrl: 'https://www.googleapis.com/', maxFiles: 10, maxBytes: 1024 });
  it('is a folder address or id', () => {
    expect(kind.checkTarget('1AbCdEfGhIjKlMnOp')).toBe(
      'https://drive.google.com/drive/folders/1AbCdEfGhIjKlMnOp',
    );
    expect(() => kind.checkTarget('https://example.com/drive/folders/1AbCdEfGhIjKlMnOp')).toThrow(
      /not a Google Drive folder/,
    );
    expect(() => kind.checkTarget("x' or name contains 'a")).toThrow(/not a Google Drive folder/);
  });
});
