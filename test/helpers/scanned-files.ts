import { crc32, deflateSync } from 'node:zlib';
import { drawText } from './pixel-font.js';

// "Scanned" files made in the test: text drawn as pixels, stored as a PNG or as an image-only PDF
// (one grayscale image per page, no text layer), the way a scanner stores a page.

export interface Grayscale {
  width: number;
  height: number;
  pixels: Uint8Array;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** An 8-bit grayscale PNG; `declared` overrides the size written in its header (a pixel bomb). */
export function encodePng(image: Grayscale, declared?: { width: number; height: number }): Uint8Array {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(declared?.width ?? image.width, 0);
  header.writeUInt32BE(declared?.height ?? image.height, 4);
  header.set([8, 0, 0, 0, 0], 8);
  const rows = Buffer.alloc((image.width + 1) * image.height);
  for (let y = 0; y < image.height; y++)
    rows.set(image.pixels.subarray(y * image.width, (y + 1) * image.width), y * (image.width + 1) + 1);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', new Uint8Array()),
  ]);
}

/** A PDF whose pages are each one Flate-compressed grayscale image and nothing else. */
export function imagePdf(pages: Grayscale[]): Uint8Array {
  const objects: Buffer[] = [];
  const pageIds: number[] = [];
  objects[1] = Buffer.from('<< /Type /Catalog /Pages 2 0 R >>');
  let next = 3;
  for (const page of pages) {
    const imageId = next++;
    const contentId = next++;
    const pageId = next++;
    const data = deflateSync(page.pixels);
    objects[imageId] = Buffer.concat([
      Buffer.from(
        `<< /Type /XObject /Subtype /Image /Width ${page.width} /Height ${page.height} /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode /Length ${data.length} >>\nstream\n`,
      ),
      data,
      Buffer.from('\nendstream'),
    ]);
    const content = `q ${page.width} 0 0 ${page.height} 0 0 cm /Im0 Do Q`;
    objects[contentId] = Buffer.from(`<< /Length ${content.length} >>\nstream\n${content}\nendstream`);
    objects[pageId] = Buffer.from(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${page.width} ${page.height}] /Contents ${contentId} 0 R /Resources << /XObject << /Im0 ${imageId} 0 R >> >> >>`,
    );
    pageIds.push(pageId);
  }
  objects[2] = Buffer.from(
    `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pageIds.length} >>`,
  );
  const parts: Buffer[] = [Buffer.from('%PDF-1.4\n')];
  let length = parts[0]?.length ?? 0;
  const offsets: number[] = [];
  for (let id = 1; id < objects.length; id++) {
    offsets[id] = length;
    const part = Buffer.concat([
      Buffer.from(`${id} 0 obj\n`),
      objects[id] ?? Buffer.alloc(0),
      Buffer.from('\nendobj\n'),
    ]);
    parts.push(part);
    length += part.length;
  }
  let tail = `xref\n0 ${objects.length}\n0000000000 65535 f \n`;
  for (let id = 1; id < objects.length; id++) tail += `${String(offsets[id]).padStart(10, '0')} 00000 n \n`;
  tail += `trailer\n<< /Size ${objects.length} /Root 1 0 R >>\nstartxref\n${length}\n%%EOF\n`;
  parts.push(Buffer.from(tail));
  return Buffer.concat(parts);
}

/** A PNG of `lines` drawn in the test's pixel font. */
export const scannedPng = (lines: string[]) => encodePng(drawText(lines));

/** An image-only PDF, one page per entry, each page `lines` drawn in the pixel font. */
export const scannedPdf = (pages: string[][]) => imagePdf(pages.map((lines) => drawText(lines)));

/** A white page with nothing on it. */
export const blankPng = () =>
  encodePng({ width: 400, height: 300, pixels: new Uint8Array(400 * 300).fill(255) });
