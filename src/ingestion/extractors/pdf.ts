import { getDocumentProxy } from 'unpdf';
import { IngestError } from '../../core/errors.js';
import type { TextBudget } from '../limits.js';

type PdfDocument = Awaited<ReturnType<typeof getDocumentProxy>>;

/** Each page's text layer, a page at a time, so a PDF with more text than allowed stops early. */
export async function extractPdf(bytes: Uint8Array, fileName: string, budget: TextBudget): Promise<string> {
  const pages: string[] = [];
  try {
    // pdf.js takes ownership of (and detaches) the buffer it is given; pass a copy.
    const pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 });
    try {
      for (let n = 1; n <= pdf.numPages; n++) {
        const text = (await pageText(pdf, n)).trim();
        budget.spend(text.length + 2);
        pages.push(text);
      }
    } finally {
      await pdf.destroy();
    }
  } catch (err) {
    if (err instanceof IngestError) throw err;
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
  return pages.join('\n\n');
}

async function pageText(pdf: PdfDocument, pageNumber: number): Promise<string> {
  const page = await pdf.getPage(pageNumber);
  try {
    const content = await page.getTextContent();
    return content.items.map((item) => ('str' in item ? item.str + (item.hasEOL ? '\n' : '') : '')).join('');
  } finally {
    page.cleanup();
  }
}
