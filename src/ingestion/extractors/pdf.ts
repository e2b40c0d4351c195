import { extractText, getDocumentProxy } from 'unpdf';
import { IngestError } from '../../errors.js';

export async function extractPdf(bytes: Uint8Array, fileName: string): Promise<string> {
  let pages: string[];
  try {
    // pdf.js takes ownership of (and detaches) the buffer it is given; pass a copy.
    const pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 });
    try {
      pages = (await extractText(pdf, { mergePages: false })).text;
    } finally {
      await pdf.destroy();
    }
  } catch (err) {
    const name = (err as { name?: string }).name;
    if (name === 'PasswordException') {
      throw new IngestError(
        'encrypted',
        `${fileName}: the PDF is password-protected; remove the password and share it again.`,
      );
    }
    throw new IngestError('corrupt', `${fileName}: the PDF is damaged and could not be read.`, {
      cause: err,
    });
  }
  return pages.map((p) => p.trim()).join('\n\n');
}
