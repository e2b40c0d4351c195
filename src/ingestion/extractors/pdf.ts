import { getDocumentProxy, getResolvedPDFJS } from 'unpdf';
import { IngestError } from '../../core/errors.js';
import type { TextBudget } from '../limits.js';
import type { OcrReader } from '../ocr/ocr-reader.js';
import { type ImageOps, pageImages } from '../ocr/pdf-page-images.js';

type PdfDocument = Awaited<ReturnType<typeof getDocumentProxy>>;

/** A page with fewer letters or digits than this in its text layer is taken for a scan. */
const MIN_TEXT_LAYER_CHARS = 3;

/**
 * Each page's text layer, a page at a time, so a PDF with more text than allowed stops early.
 * With `ocr`, a page without a text layer is read from its images, within OCR's page and time limits.
 */
export async function extractPdf(
  bytes: Uint8Array,
  fileName: string,
  budget: TextBudget,
  ocr?: OcrReader,
): Promise<string> {
  const pages: string[] = [];
  const scans = ocr && new ScannedPages(fileName, ocr, (await getResolvedPDFJS()).OPS);
  try {
    // pdf.js takes ownership of (and detaches) the buffer it is given; pass a copy. Images over
    // the pixel limit are dropped by pdf.js before they are decoded.
    const pdf = await getDocumentProxy(new Uint8Array(bytes), {
      verbosity: 0,
      ...(ocr && { maxImageSize: ocr.settings.maxPixels }),
    });
    try {
      for (let n = 1; n <= pdf.numPages; n++) {
        let text = (await pageText(pdf, n)).trim();
        if (scans && text.replace(/[\W_]+/gu, '').length < MIN_TEXT_LAYER_CHARS)
          text = await scans.read(pdf, n);
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

/** The scanned pages of one PDF read so far, against OCR_MAX_PAGES and one deadline for them all. */
class ScannedPages {
  private count = 0;
  private readonly deadline: number;

  constructor(
    private readonly fileName: string,
    private readonly ocr: OcrReader,
    private readonly ops: ImageOps,
  ) {
    this.deadline = Date.now() + ocr.settings.timeoutMs;
  }

  async read(pdf: PdfDocument, pageNumber: number): Promise<string> {
    const { maxPages } = this.ocr.settings;
    if (++this.count > maxPages)
      throw new IngestError(
        'too_large',
        `${this.fileName}: refused, it has more than ${maxPages} scanned pages to read with OCR (OCR_MAX_PAGES); split it into smaller files.`,
      );
    const page = await pdf.getPage(pageNumber);
    try {
      const texts: string[] = [];
      for (const image of await pageImages(page, this.ops))
        texts.push((await this.ocr.recognize(image, this.deadline, this.fileName)).trim());
      return texts.filter(Boolean).join('\n\n');
    } finally {
      page.cleanup();
    }
  }
}
