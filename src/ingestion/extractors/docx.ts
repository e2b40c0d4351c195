import mammoth from 'mammoth';
import { IngestError } from '../../core/errors.js';
import { assertNotZipBomb, openBoundedZip } from '../zip-entries.js';
import { htmlToMarkdown } from './html.js';

/** Images carry no text to index; leaving their bytes packed saves inflating them at all. */
const skipImages = mammoth.images.imgElement(async () => ({ src: '' }));
// Word's Title style is not a heading to mammoth; marked, it becomes the document's title.
const TITLE_STYLES = ["p[style-name='Title'] => h1.docx-title:fresh", 'p.Title => h1.docx-title:fresh'];
const TITLE_PARAGRAPH = /<h1 class="docx-title">([\s\S]*?)<\/h1>/;
const CORE_TITLE = /<dc:title>([^<]*)<\/dc:title>/;
const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

const textOf = (markup: string) =>
  markup
    .replace(/<[^>]*>/g, '')
    .replace(/&(amp|lt|gt|quot|apos|#39);/g, (_, name: string) => XML_ENTITIES[name] ?? "'")
    .replace(/\s+/g, ' ')
    .trim();

export interface DocxText {
  markdown: string;
  /** The paragraph styled Title, else the title in the document's properties. */
  title?: string;
}

/**
 * DOCX → HTML (mammoth keeps headings and lists) → Markdown, so splitting can follow the structure.
 * mammoth never sees the archive itself: it reads the parts it needs through a ZIP reader that
 * counts the bytes it inflates, so a document whose headers lie about its sizes is refused at
 * `maxInflatedBytes` instead of expanding in memory.
 */
export async function extractDocx(
  bytes: Uint8Array,
  fileName: string,
  maxInflatedBytes: number,
): Promise<DocxText> {
  assertNotZipBomb(bytes, fileName);
  const zip = openBoundedZip(bytes, fileName, maxInflatedBytes);
  // mammoth takes an opened archive as `file` (what its own unzip step would give it).
  const file = {
    exists: (name: string) => zip.exists(name),
    read: async (name: string, encoding?: string) => {
      const data = zip.read(name);
      if (encoding === 'base64') return Buffer.from(data).toString('base64');
      return encoding ? new TextDecoder(encoding).decode(data) : data;
    },
  };
  try {
    const input = { file } as unknown as Parameters<typeof mammoth.convertToHtml>[0];
    const { value } = await mammoth.convertToHtml(input, {
      convertImage: skipImages,
      styleMap: TITLE_STYLES,
    });
    const styled = TITLE_PARAGRAPH.exec(value)?.[1];
    const core = zip.exists('docProps/core.xml')
      ? CORE_TITLE.exec(new TextDecoder().decode(zip.read('docProps/core.xml')))?.[1]
      : undefined;
    const title = [styled, core].map((t) => (t === undefined ? '' : textOf(t))).find((t) => t !== '');
    return { markdown: htmlToMarkdown(value).markdown, title };
  } catch (err) {
    if (err instanceof IngestError) throw err;
    throw new IngestError('corrupt', `${fileName}: the Word document is damaged and could not be read.`, {
      cause: err,
    });
  }
}
