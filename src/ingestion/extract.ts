import path from 'node:path';
import { IngestError } from '../core/errors.js';
import { type DocumentType, decodeText, detectType, isBinaryContainer } from './detect.js';
import { extractDocx } from './extractors/docx.js';
import { htmlToMarkdown } from './extractors/html.js';
import { extractPdf } from './extractors/pdf.js';
import { csvToText, jsonToText } from './extractors/structured.js';
import { limitsFor, type PreparationLimits, TextBudget, tooMuchText } from './limits.js';
import { normalizeMarkdown } from './normalize/markdown.js';
import { joinWrappedLines } from './normalize/plain-text.js';
import { imageKind } from './ocr/image-size.js';
import type { OcrReader } from './ocr/ocr-reader.js';
import { noReadableText, readImage } from './ocr/read-image.js';

export interface ExtractedDocument {
  type: DocumentType;
  title: string;
  /** Markdown where the source had structure (headings, lists), plain text otherwise. */
  text: string;
  structured: boolean;
}

const CFB_SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0];
// HTML is mostly markup: its size is checked against a multiple of the text limit before parsing.
const HTML_CHARS_PER_TEXT_CHAR = 8;

/** What the default settings (CHUNK_SIZE 500, MAX_PASSAGES_PER_FILE unset) allow. */
const DEFAULT_LIMITS = limitsFor({ size: 500, overlap: 50 });

/**
 * The file's text, refused with one sentence when it cannot be read or when it would give more
 * text than `limits` allow (counted while it is produced, before the text exists in full). With
 * `ocr`, images and the pages of a PDF that have no text layer are read with OCR.
 */
export async function extractDocument(
  bytes: Uint8Array,
  fileName: string,
  limits: PreparationLimits = DEFAULT_LIMITS,
  ocr?: OcrReader,
): Promise<ExtractedDocument> {
  if (bytes.length === 0) throw new IngestError('no_text', `${fileName}: the file is empty.`);
  const ext = path.extname(fileName).toLowerCase();
  // Office encrypts a password-protected .docx by wrapping it in a legacy compound file.
  if (ext === '.docx' && CFB_SIGNATURE.every((b, i) => bytes[i] === b)) {
    throw new IngestError(
      'encrypted',
      `${fileName}: the Word document is password-protected; remove the password and share it again.`,
    );
  }
  const decoded = isBinaryContainer(bytes) ? undefined : decodeText(bytes);
  const type = detectType(bytes, fileName, decoded);
  const fallbackTitle = path.basename(fileName, ext) || fileName;
  const result = await extractByType(type, bytes, decoded ?? '', fileName, limits, ocr);
  const text = normalizeWhitespace(result.text);
  if (text.length > limits.maxTextChars) throw tooMuchText(fileName, limits);
  if (text.replace(/[\W_]+/gu, '').length < 3) {
    if (type === 'image' || (type === 'pdf' && ocr)) throw noReadableText(fileName);
    const why = type === 'pdf' ? ' (a scanned PDF without a text layer? run OCR first)' : '';
    throw new IngestError('no_text', `${fileName}: no text to index${why}.`);
  }
  const heading = result.structured ? /^#{1,2}\s+(.+)$/m.exec(text)?.[1]?.trim() : undefined;
  return { type, title: result.title ?? heading ?? fallbackTitle, text, structured: result.structured };
}

async function extractByType(
  type: DocumentType,
  bytes: Uint8Array,
  text: string,
  fileName: string,
  limits: PreparationLimits,
  ocr: OcrReader | undefined,
): Promise<{ text: string; title?: string; structured: boolean }> {
  const budget = new TextBudget(fileName, limits);
  switch (type) {
    case 'pdf':
      return { text: joinWrappedLines(await extractPdf(bytes, fileName, budget, ocr)), structured: false };
    case 'image': {
      const kind = imageKind(bytes) ?? 'png';
      if (!ocr)
        throw new IngestError(
          'unsupported_type',
          `${fileName}: a ${kind.toUpperCase()} image, which has no text to index.`,
        );
      const read = await readImage(bytes, kind, fileName, ocr);
      budget.spend(read.length);
      return { text: joinWrappedLines(read), structured: false };
    }
    case 'docx': {
      const { markdown, title } = await extractDocx(bytes, fileName, limits.maxInflatedBytes);
      return { text: normalizeMarkdown(markdown), title, structured: true };
    }
    case 'html': {
      if (text.length > limits.maxTextChars * HTML_CHARS_PER_TEXT_CHAR) throw tooMuchText(fileName, limits);
      const { markdown, title } = htmlToMarkdown(text);
      return { text: normalizeMarkdown(markdown), title, structured: true };
    }
    case 'csv':
      return { text: csvToText(text, fileName, budget), structured: false };
    case 'json':
      return { text: jsonToText(text, fileName, budget), structured: false };
    case 'markdown':
      budget.spend(text.length);
      return { text: normalizeMarkdown(text), structured: true };
    case 'text':
      budget.spend(text.length);
      return { text: joinWrappedLines(text), structured: false };
  }
}

function normalizeWhitespace(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t\u00a0]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
