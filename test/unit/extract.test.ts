import { describe, expect, it } from 'vitest';
import { IngestError } from '../../src/core/errors.js';
import { extractDocument } from '../../src/ingestion/extract.js';
import { limitsFor } from '../../src/ingestion/limits.js';
import { listZipEntries } from '../../src/ingestion/zip-entries.js';
import { makeDocx, makeDocxBomb, makeLyingDocx, makePdf } from '../helpers/make-files.js';

const utf8 = (s: string) => new TextEncoder().encode(s);

describe('extractDocument: every supported type', () => {
  it('reads plain text and names it after the file', async () => {
    const doc = await extractDocument(utf8('Backups run nightly at 02:00 UTC.'), 'notes/backups.txt');
    expect(doc).toMatchObject({ type: 'text', title: 'backups', text: 'Backups run nightly at 02:00 UTC.' });
  });

  it('keeps Markdown structure and takes the first heading as title', async () => {
    const doc = await extractDocument(utf8('# Deploy guide\n\n## Staging\n\nRun make deploy.'), 'deploy.md');
    expect(doc.type).toBe('markdown');
    expect(doc.title).toBe('Deploy guide');
    expect(doc.text).toContain('## Staging');
  });

  it('turns HTML into Markdown, drops scripts, uses <title>', async () => {
    const html =
      '<!doctype html><html><head><title>On-call</title><script>alert(1)</script></head>' +
      '<body><h1>Pager duty</h1><p>Escalate after <b>15 minutes</b>.</p></body></html>';
    const doc = await extractDocument(utf8(html), 'oncall.html');
    expect(doc.type).toBe('html');
    expect(doc.title).toBe('On-call');
    expect(doc.text).toContain('# Pager duty');
    // Emphasis is markup: the words stay, the marks do not.
    expect(doc.text).toContain('Escalate after 15 minutes.');
    expect(doc.text).not.toContain('**');
    expect(doc.text).not.toContain('alert');
  });

  it('detects HTML from the bytes even when named .txt', async () => {
    const doc = await extractDocument(
      utf8('<!DOCTYPE html><html><body><p>Hello there friend</p></body></html>'),
      'page.txt',
    );
    expect(doc.type).toBe('html');
    expect(doc.text).toBe('Hello there friend');
  });

  it('reads CSV rows as column: value pairs', async () => {
    const doc = await extractDocument(
      utf8('service,owner,slack\nbilling,Dana,"#billing, #payments"\n'),
      'owners.csv',
    );
    expect(doc.type).toBe('csv');
    expect(doc.text).toBe('service: billing; owner: Dana; slack: #billing, #payments');
  });

  it('flattens JSON into key paths, one paragraph per record', async () => {
    const json = JSON.stringify([
      { name: 'api', limits: { rps: 50 } },
      { name: 'web', tags: ['edge', 'cdn'] },
    ]);
    const doc = await extractDocument(utf8(json), 'services.json');
    expect(doc.type).toBe('json');
    expect(doc.text).toBe('name: api\nlimits.rps: 50\n\nname: web\ntags: edge, cdn');
  });

  it('detects JSON from the bytes without an extension', async () => {
    const doc = await extractDocument(utf8('{"policy": {"retention_days": 30}}'), 'export');
    expect(doc.type).toBe('json');
    expect(doc.text).toBe('policy.retention_days: 30');
  });

  it('reads the text layer of every PDF page', async () => {
    const pdf = makePdf([['Refunds are processed within 5 days.'], ['Contact finance for exceptions.']]);
    const doc = await extractDocument(pdf, 'refunds.pdf');
    expect(doc.type).toBe('pdf');
    expect(doc.text).toContain('Refunds are processed within 5 days.');
    expect(doc.text).toContain('Contact finance for exceptions.');
  });

  it('detects a PDF by its bytes whatever its name', async () => {
    const doc = await extractDocument(makePdf([['Misnamed but fine.']]), 'report.bin');
    expect(doc.type).toBe('pdf');
  });

  it('reads DOCX with headings', async () => {
    const docx = await makeDocx([
      '# Travel policy',
      'Book flights through the portal.',
      'Economy class for trips under 6 hours.',
    ]);
    const doc = await extractDocument(docx, 'travel.docx');
    expect(doc).toMatchObject({ type: 'docx', title: 'Travel policy' });
    expect(doc.text).toContain('# Travel policy');
    expect(doc.text).toContain('Economy class for trips under 6 hours.');
  });

  it('reads a long Word document in one pass of its text, not one per paragraph', async () => {
    const paragraphs = Array.from(
      { length: 8000 },
      (_, i) => `Paragraph ${i}: rotate the staging key, then the production key.`,
    );
    const doc = await extractDocument(await makeDocx(['# Key rotation', ...paragraphs]), 'long.docx');
    expect(doc.text.startsWith('# Key rotation\n\nParagraph 0: rotate')).toBe(true);
    expect(doc.text.endsWith('Paragraph 7999: rotate the staging key, then the production key.')).toBe(true);
    expect(doc.text.split('\n\n')).toHaveLength(8001);
  }, 20_000);

  it('reads a long HTML page piece by piece without leaking its scripts into the text', async () => {
    const paragraphs = Array.from(
      { length: 3000 },
      (_, i) => `<p>Step ${i}: page the <b>on-call</b> engineer.</p>`,
    );
    paragraphs.splice(1500, 0, '<script>document.write("<div><p>tracking</p></div>")</script>');
    const html = `<!doctype html><html><head><title>Runbook</title></head><body>${paragraphs.join('\n')}</body></html>`;
    const doc = await extractDocument(utf8(html), 'runbook.html');
    expect(doc.title).toBe('Runbook');
    expect(doc.text).not.toContain('tracking');
    expect(doc.text.split('\n\n')).toHaveLength(3000);
    expect(doc.text).toContain('Step 2999: page the on-call engineer.');
  }, 20_000);

  it('decodes legacy Windows-1252 text', async () => {
    const doc = await extractDocument(
      new Uint8Array([0x43, 0x61, 0x66, 0xe9, 0x20, 0x6d, 0x65, 0x6e, 0x75]),
      'menu.txt',
    );
    expect(doc.text).toBe('Café menu');
  });
});

describe('extractDocument: bad input gets one clear reason', () => {
  const reject = async (bytes: Uint8Array, name: string) => {
    try {
      await extractDocument(bytes, name);
    } catch (err) {
      return err as { code: string; message: string };
    }
    throw new Error(`${name} was accepted`);
  };

  it('refuses an empty file', async () => {
    expect(await reject(new Uint8Array(), 'empty.txt')).toMatchObject({
      code: 'no_text',
      message: 'empty.txt: the file is empty.',
    });
  });

  it('refuses a whitespace-only file', async () => {
    expect((await reject(utf8('  \n\n \t'), 'blank.md')).code).toBe('no_text');
  });

  it('refuses a PDF without a text layer and suggests OCR', async () => {
    const err = await reject(makePdf([[]]), 'scan.pdf');
    expect(err.code).toBe('no_text');
    expect(err.message).toMatch(/scan\.pdf.*OCR/);
  });

  it('refuses an encrypted PDF', async () => {
    const err = await reject(makePdf([['secret']], { encrypt: true }), 'locked.pdf');
    expect(err).toMatchObject({ code: 'encrypted' });
    expect(err.message).toContain('locked.pdf: the PDF is password-protected');
  });

  it('refuses a truncated PDF as damaged', async () => {
    const err = await reject(makePdf([['Some text here.']]).slice(0, 120), 'broken.pdf');
    expect(err).toMatchObject({
      code: 'corrupt',
      message: 'broken.pdf: the PDF is damaged and could not be read.',
    });
  });

  it('refuses a password-protected DOCX (a compound file)', async () => {
    const cfb = new Uint8Array(512);
    cfb.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    expect((await reject(cfb, 'secret.docx')).code).toBe('encrypted');
  });

  it('refuses a truncated DOCX as damaged', async () => {
    const docx = await makeDocx(['Hello world paragraph.']);
    expect((await reject(docx.slice(0, docx.length - 30), 'cut.docx')).code).toBe('corrupt');
  });

  it('refuses a DOCX that would expand to hundreds of megabytes before unpacking it', async () => {
    const bomb = await makeDocxBomb();
    expect(bomb.length).toBeLessThan(2 * 1024 * 1024);
    const before = process.memoryUsage().rss;
    const err = await reject(bomb, 'bomb.docx');
    expect(err.code).toBe('corrupt');
    expect(err.message).toMatch(/bomb\.docx: refused, it would expand to 64 MB/);
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 * 1024);
  });

  it('refuses binary data named .txt', async () => {
    const bytes = new Uint8Array(4096).map((_, i) => (i * 7919) % 256);
    const err = await reject(bytes, 'data.txt');
    expect(err).toMatchObject({
      code: 'unsupported_type',
      message: 'data.txt: binary data, not a document type Docent reads.',
    });
  });

  it('names images and other ZIPs as unsupported', async () => {
    expect(
      (await reject(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]), 'diagram.png'))
        .message,
    ).toContain('a PNG image');
    const xlsx = await makeDocx([]).then(async () => {
      const JSZip = (await import('jszip')).default;
      const zip = new JSZip();
      zip.file('xl/workbook.xml', '<workbook/>');
      return zip.generateAsync({ type: 'uint8array' });
    });
    expect((await reject(xlsx, 'sheet.xlsx')).message).toBe(
      'sheet.xlsx: a ZIP archive that is not a Word document (.docx).',
    );
  });

  it('refuses invalid JSON with the parser reason', async () => {
    const err = await reject(utf8('{"a": '), 'broken.json');
    expect(err.code).toBe('corrupt');
    expect(err.message).toMatch(/^broken\.json: the JSON is not valid/);
  });

  it('counts the bytes a DOCX really unpacks to, whatever its headers claim, and stops at the limit', async () => {
    const bomb = await makeLyingDocx(24 * 1024 * 1024);
    const declared = listZipEntries(bomb, 'liar.docx').find((e) => e.name === 'word/document.xml');
    expect(declared?.uncompressedSize).toBe(4096);
    expect(bomb.length).toBeLessThan(256 * 1024);
    const before = process.memoryUsage().rss;
    const err = await reject(bomb, 'liar.docx');
    expect(err).toBeInstanceOf(IngestError);
    expect(err).toMatchObject({
      code: 'too_large',
      message:
        'liar.docx: refused, its contents unpack to more than 4.8 MB, more than Docent reads from one document.',
      transient: false,
    });
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 * 1024);
  });

  it('refuses an honest DOCX whose text and markup unpack past the limit, and calls a small liar damaged', async () => {
    // Varied words, so it compresses like prose and its declared sizes look like no bomb.
    const words = Array.from({ length: 800_000 }, (_, i) => ((i * 2654435761) >>> 0).toString(36));
    const honest = await makeDocx([words.join(' ')]);
    expect((await reject(honest, 'honest.docx')).code).toBe('too_large');
    expect(await reject(await makeLyingDocx(1024 * 1024), 'small-liar.docx')).toMatchObject({
      code: 'corrupt',
      message: 'small-liar.docx: the file is damaged (its ZIP structure is unreadable).',
    });
  });

  it('refuses a CSV repeating a long header on every value while building its text', async () => {
    const columns = Array.from({ length: 20 }, (_, i) => `${'very long column name '.repeat(25)}${i}`);
    const rows = Array.from({ length: 2000 }, () => columns.map(() => '1').join(','));
    const csv = utf8([columns.join(','), ...rows].join('\n'));
    expect(csv.length).toBeLessThan(100 * 1024);
    const err = await reject(csv, 'bomb.csv');
    expect(err).toMatchObject({
      code: 'too_large',
      message:
        'bomb.csv: refused, its text would make more than 5,000 passages, the most one file may give (MAX_PASSAGES_PER_FILE); split it into smaller files.',
    });
  });

  it('refuses JSON nested thousands of levels deep with a clear, permanent reason', async () => {
    const json = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    const err = await reject(utf8(json), 'deep.json');
    expect(err).toBeInstanceOf(IngestError);
    expect(err).toMatchObject({
      code: 'unsupported_type',
      message: 'deep.json: the JSON is nested more than 100 levels deep, which Docent does not read.',
      transient: false,
    });
  });

  it('refuses text beyond what MAX_PASSAGES_PER_FILE passages can hold, before splitting it', async () => {
    const limits = limitsFor({ size: 100, overlap: 10, maxPassages: 10 });
    const line = utf8('x'.repeat(1001));
    await expect(extractDocument(line, 'one-line.txt', limits)).rejects.toMatchObject({
      code: 'too_large',
      message: expect.stringContaining('more than 10 passages'),
    });
    expect((await extractDocument(utf8('x'.repeat(1000)), 'fits.txt', limits)).text).toHaveLength(1000);
  });
});
