import type { getDocumentProxy } from 'unpdf';

// A scanned PDF page is one picture (or a few strips of one): pdf.js decodes the page's images
// (JPEG, CCITT, JBIG2, Flate) without a canvas, and each becomes a PNM file Tesseract reads.
// Pages are not rendered: rendering needs a native canvas, and a scan's text is in its images.

type PdfDocument = Awaited<ReturnType<typeof getDocumentProxy>>;
type PdfPage = Awaited<ReturnType<PdfDocument['getPage']>>;

interface DecodedImage {
  width: number;
  height: number;
  /** pdf.js's ImageKind: 1 is one bit per pixel, 2 RGB, 3 RGBA. */
  kind: number;
  data: Uint8Array | Uint8ClampedArray;
}

/** Decorations (logos, rules, bullets) are smaller than any readable line of a page. */
const MIN_SIDE = 32;
/** pdf.js's operator codes for painting an image XObject and an inline image. */
export interface ImageOps {
  paintImageXObject: number;
  paintInlineImageXObject: number;
}

/** The page's images as PNM files (PGM or PPM), largest first. */
export async function pageImages(page: PdfPage, ops: ImageOps): Promise<Uint8Array[]> {
  const list = await page.getOperatorList();
  const images: DecodedImage[] = [];
  for (let i = 0; i < list.fnArray.length; i++) {
    const op = list.fnArray[i];
    const args = list.argsArray[i] as unknown[];
    let image: DecodedImage | undefined;
    if (op === ops.paintImageXObject) image = await decodedObject(page, String(args[0]));
    else if (op === ops.paintInlineImageXObject) image = args[0] as DecodedImage;
    if (image?.data && image.width >= MIN_SIDE && image.height >= MIN_SIDE) images.push(image);
  }
  return images
    .sort((a, b) => b.width * b.height - a.width * a.height)
    .map(toPnm)
    .filter((pnm): pnm is Uint8Array => pnm !== undefined);
}

function decodedObject(page: PdfPage, key: string): Promise<DecodedImage | undefined> {
  const store = key.startsWith('g_') ? page.commonObjs : page.objs;
  return new Promise((resolve) => store.get(key, (image: unknown) => resolve(image as DecodedImage)));
}

function toPnm({ width, height, kind, data }: DecodedImage): Uint8Array | undefined {
  const pixels = width * height;
  if (kind === 2 && data.length >= pixels * 3) return pnm('P6', width, height, data.subarray(0, pixels * 3));
  if (kind === 3 && data.length >= pixels * 4) {
    const rgb = new Uint8Array(pixels * 3);
    for (let p = 0; p < pixels; p++) rgb.set(data.subarray(p * 4, p * 4 + 3), p * 3);
    return pnm('P6', width, height, rgb);
  }
  if (kind === 1) {
    // pdf.js packs rows to whole bytes; a set bit is white.
    const rowBytes = Math.ceil(width / 8);
    if (data.length < rowBytes * height) return undefined;
    const gray = new Uint8Array(pixels);
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++)
        gray[y * width + x] = ((data[y * rowBytes + (x >> 3)] ?? 0) >> (7 - (x & 7))) & 1 ? 255 : 0;
    return pnm('P5', width, height, gray);
  }
  return undefined;
}

function pnm(
  magic: 'P5' | 'P6',
  width: number,
  height: number,
  body: Uint8Array | Uint8ClampedArray,
): Uint8Array {
  const header = new TextEncoder().encode(`${magic}\n${width} ${height}\n255\n`);
  const file = new Uint8Array(header.length + body.length);
  file.set(header);
  file.set(body, header.length);
  return file;
}
