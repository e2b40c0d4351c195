// The files bench/memory.ts ingests: decompression and expansion bombs, and legitimate files near
// the limits (MAX_FILE_MB, MAX_PASSAGES_PER_FILE). Built here, in memory, each time.
import { randomBytes } from 'node:crypto';
import { crc32, createDeflateRaw, deflateRawSync } from 'node:zlib';
import { makeDocx, makePdf } from '../test/helpers/make-files.js';
import { rng } from './corpus.js';

export interface BenchFile {
  name: string;
  what: string;
  bytes: Uint8Array;
}

const utf8 = (s: string) => new TextEncoder().encode(s);
const random = rng(11);
const WORDS =
  'deploy key rotate staging production backup restore on-call escalate invoice refund policy leave'.split(
    ' ',
  );
const prose = (chars: number) => {
  const out: string[] = [];
  for (let n = 0; n < chars; ) {
    const sentence = `${Array.from({ length: 12 }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ')} ${Math.floor(random() * 1e6)}. `;
    out.push(sentence);
    n += sentence.length;
  }
  return out.join('');
};
/** Markdown sections of prose, `chars` long in all. */
const markdown = (chars: number) =>
  prose(chars)
    .match(/[^.]+\.[^.]+\.[^.]+\./g)
    ?.map((p, i) => (i % 6 === 0 ? `## Section ${i}\n\n${p.trim()}` : p.trim()))
    .join('\n\n') ?? '';

export async function benchFiles(): Promise<BenchFile[]> {
  return [
    {
      name: 'bomb.docx',
      what: 'DOCX, 1 GiB document.xml declared as 4 KiB',
      bytes: await lyingDocxBomb(1024),
    },
    { name: 'header-bomb.csv', what: 'CSV, 1 KB header repeated on every value', bytes: csvHeaderBomb() },
    {
      name: 'deep.json',
      what: 'JSON nested 5,000 levels',
      bytes: utf8(`${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`),
    },
    { name: 'one-line.txt', what: 'text, one 24 MB line', bytes: utf8('abcdefghij'.repeat(2_400_000)) },
    { name: 'big.md', what: 'Markdown near MAX_FILE_MB', bytes: utf8(markdown(24 * 1024 * 1024)) },
    { name: 'big-text.pdf', what: 'PDF near MAX_FILE_MB, all text', bytes: pdfOf(20 * 1024 * 1024) },
    {
      name: 'big-images.docx',
      what: 'DOCX near MAX_FILE_MB: 22 MB image, 1.5 M chars',
      bytes: await bigDocx(),
    },
    {
      name: 'xml-limit.docx',
      what: 'DOCX, 4.9 MB of XML (under the unpack limit)',
      bytes: await xmlHeavyDocx(),
    },
    { name: 'handbook.md', what: 'Markdown, 1 M chars (accepted)', bytes: utf8(markdown(1_000_000)) },
    { name: 'handbook.pdf', what: 'PDF, 2 M chars (accepted)', bytes: pdfOf(2_000_000) },
  ];
}

function csvHeaderBomb(): Uint8Array {
  const columns = Array.from({ length: 100 }, (_, i) => `${'column '.repeat(142)}${i}`);
  const row = columns.map(() => '1').join(',');
  return utf8([columns.join(','), ...Array.from({ length: 1000 }, () => row)].join('\n'));
}

function pdfOf(chars: number): Uint8Array {
  const lines = prose(chars).match(/.{1,90}(\s|$)/g) ?? [];
  const pages: string[][] = [];
  for (let i = 0; i < lines.length; i += 50) pages.push(lines.slice(i, i + 50));
  return makePdf(pages);
}

async function bigDocx(): Promise<Uint8Array> {
  const paragraphs = (prose(1_500_000).match(/[^.]+\.[^.]+\./g) ?? []).map((p) => p.trim());
  return makeDocx(paragraphs, { 'word/media/image1.png': randomBytes(22 * 1024 * 1024) });
}

/** Nearly as much XML as a DOCX may unpack to by default (5,000,000 bytes), in short paragraphs. */
async function xmlHeavyDocx(): Promise<Uint8Array> {
  const paragraphs = (prose(4_000_000).match(/[^.]+\./g) ?? []).map((p) => p.trim());
  return makeDocx(paragraphs.slice(0, 32_000));
}

/** A DOCX whose word/document.xml inflates to `mib` MiB of valid XML, every header claiming 4 KiB. */
async function lyingDocxBomb(mib: number): Promise<Uint8Array> {
  const head =
    '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Looks innocent.</w:t></w:r></w:p><!-- ';
  const tail = ' --></w:body></w:document>';
  const deflate = createDeflateRaw({ level: 9 });
  const out: Buffer[] = [];
  deflate.on('data', (chunk: Buffer) => out.push(chunk));
  const padding = Buffer.alloc(1024 * 1024, 'x');
  deflate.write(head);
  for (let i = 0; i < mib; i++)
    if (!deflate.write(padding)) await new Promise((r) => deflate.once('drain', r));
  await new Promise((resolve) => deflate.end(tail, () => resolve(undefined)));
  const parts = await entriesOf(await makeDocx([]));
  parts.set('word/document.xml', { data: Buffer.concat(out), declared: 4096, crc: 0 });
  return writeZip(parts);
}

type Part = { data: Uint8Array; declared: number; crc: number };

async function entriesOf(docx: Uint8Array): Promise<Map<string, Part>> {
  const JSZip = (await import('jszip')).default;
  const zip = await JSZip.loadAsync(docx);
  const parts = new Map<string, Part>();
  for (const name of Object.keys(zip.files)) {
    const raw = await zip.files[name]?.async('uint8array');
    if (raw) parts.set(name, { data: deflateRawSync(raw), declared: raw.length, crc: crc32(raw) });
  }
  return parts;
}

/** Deflated entries, sizes as declared: the local headers, then the central directory. */
function writeZip(parts: Map<string, Part>): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, { data, declared, crc }] of parts) {
    const fileName = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(declared, 22);
    local.writeUInt16LE(fileName.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    local.copy(central, 8, 6, 26);
    central.writeUInt16LE(fileName.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, fileName, Buffer.from(data));
    centrals.push(central, fileName);
    offset += 30 + fileName.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.size, 8);
  end.writeUInt16LE(parts.size, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, directory, end]));
}
