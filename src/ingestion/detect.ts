import path from 'node:path';
import { IngestError } from '../core/errors.js';
import { imageKind } from './ocr/image-size.js';
import { listZipEntries } from './zip-entries.js';

export type DocumentType = 'pdf' | 'docx' | 'image' | 'html' | 'markdown' | 'csv' | 'json' | 'text';

const startsWith = (bytes: Uint8Array, signature: number[]) => signature.every((b, i) => bytes[i] === b);

// Formats people commonly drop into a channel that we recognise but cannot read, with what to do instead.
const KNOWN_UNSUPPORTED: { signature: number[]; what: string }[] = [
  { signature: [0x47, 0x49, 0x46, 0x38], what: 'a GIF image' },
  { signature: [0xd0, 0xcf, 0x11, 0xe0], what: 'a legacy Office file (.doc/.xls); save it as .docx' },
  { signature: [0x1f, 0x8b], what: 'a gzip archive' },
];

/** PDF, ZIP, PNG and JPEG files are read as bytes; decoding them as text would be wasted work. */
export function isBinaryContainer(bytes: Uint8Array): boolean {
  return (
    startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d]) ||
    startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) ||
    imageKind(bytes) !== undefined
  );
}

/** Detects the type from the bytes; the extension only breaks ties between text formats. */
export function detectType(bytes: Uint8Array, fileName: string, text?: string): DocumentType {
  const ext = path.extname(fileName).toLowerCase();
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'pdf';
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) {
    const names = listZipEntries(bytes, fileName).map((e) => e.name);
    if (names.includes('word/document.xml')) return 'docx';
    throw new IngestError(
      'unsupported_type',
      `${fileName}: a ZIP archive that is not a Word document (.docx).`,
    );
  }
  // PNG and JPEG are read with OCR (or refused by extraction when it is off).
  if (imageKind(bytes)) return 'image';
  for (const { signature, what } of KNOWN_UNSUPPORTED) {
    if (startsWith(bytes, signature))
      throw new IngestError('unsupported_type', `${fileName}: ${what}, which has no text to index.`);
  }
  if (text === undefined)
    throw new IngestError('unsupported_type', `${fileName}: binary data, not a document type Docent reads.`);
  const head = text.slice(0, 2048).trimStart().toLowerCase();
  refuseDrawings(fileName, ext, head);
  if (ext === '.html' || ext === '.htm' || head.startsWith('<!doctype html') || head.startsWith('<html'))
    return 'html';
  if (ext === '.json' || ((head.startsWith('{') || head.startsWith('[')) && looksLikeJson(text)))
    return 'json';
  if (ext === '.csv' || ext === '.tsv') return 'csv';
  if (ext === '.md' || ext === '.markdown' || ext === '.mdx') return 'markdown';
  return 'text';
}

// Text files that are pictures: their text is drawing markup or encoded data, not reading text.
const DRAWINGS: { extensions: string[]; root: RegExp; what: string }[] = [
  {
    extensions: ['.svg', '.svgz'],
    root: /^<svg[\s>]/,
    what: 'an SVG image, which is drawing markup with no document text',
  },
  {
    extensions: ['.drawio', '.dio'],
    root: /^<(?:mxfile|mxgraphmodel)[\s>]/,
    what: 'a draw.io diagram, whose labels are stored encoded; export it as PDF to index them',
  },
];

/** Past an XML declaration, comments and a doctype, the first element names the drawing. */
function refuseDrawings(fileName: string, ext: string, head: string): void {
  const root = head.replace(/^(?:<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!doctype[^>]*>|\s+)*/, '');
  for (const { extensions, root: element, what } of DRAWINGS) {
    if (extensions.includes(ext) || element.test(root))
      throw new IngestError('unsupported_type', `${fileName}: ${what}.`);
  }
}

function looksLikeJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Decodes bytes as text, or returns undefined for binary data. UTF-8 first (with or without BOM),
 * UTF-16 when a BOM says so, Windows-1252 for legacy text; NULs and control bytes mean binary.
 */
export function decodeText(bytes: Uint8Array): string | undefined {
  if (startsWith(bytes, [0xff, 0xfe])) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (startsWith(bytes, [0xfe, 0xff])) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  const sample = bytes.subarray(0, 64 * 1024);
  let control = 0;
  for (const b of sample) {
    if (b === 0) return undefined;
    if (b < 9 || (b > 13 && b < 32)) control++;
  }
  if (control > sample.length * 0.01) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}
