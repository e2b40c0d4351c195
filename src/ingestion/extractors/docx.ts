import mammoth from 'mammoth';
import { IngestError } from '../../errors.js';
import { assertNotZipBomb } from '../zip-entries.js';
import { htmlToMarkdown } from './html.js';

/** DOCX → HTML (mammoth keeps headings and lists) → Markdown, so splitting can follow the structure. */
export async function extractDocx(bytes: Uint8Array, fileName: string): Promise<string> {
  assertNotZipBomb(bytes, fileName);
  try {
    const { value } = await mammoth.convertToHtml({
      buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    });
    return htmlToMarkdown(value).markdown;
  } catch (err) {
    throw new IngestError('corrupt', `${fileName}: the Word document is damaged and could not be read.`, {
      cause: err,
    });
  }
}
