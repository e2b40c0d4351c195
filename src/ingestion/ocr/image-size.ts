import { IngestError } from '../../core/errors.js';

// An image's size from its header alone, so a decompression bomb (a small file declaring
// billions of pixels) is refused before anything decodes it.

export type ImageKind = 'png' | 'jpeg';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_SIGNATURE = [0xff, 0xd8, 0xff];

export function imageKind(bytes: Uint8Array): ImageKind | undefined {
  if (PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return 'png';
  if (JPEG_SIGNATURE.every((b, i) => bytes[i] === b)) return 'jpeg';
  return undefined;
}

/** Width and height as the header declares them; a header that cannot be read is a damaged file. */
export function imageSize(
  bytes: Uint8Array,
  kind: ImageKind,
  fileName: string,
): { width: number; height: number } {
  const size = kind === 'png' ? pngSize(bytes) : jpegSize(bytes);
  if (!size || size.width === 0 || size.height === 0)
    throw new IngestError('corrupt', `${fileName}: the image is damaged and could not be read.`);
  return size;
}

const view = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

function pngSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  // The IHDR chunk comes first: length (4), "IHDR" (4), width (4), height (4).
  if (bytes.length < 24 || String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') return undefined;
  return { width: view(bytes).getUint32(16), height: view(bytes).getUint32(20) };
}

/** Walks the marker segments to the first start-of-frame (SOF0 to SOF15, but not DHT, JPG or DAC). */
function jpegSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  const data = view(bytes);
  let at = 2;
  while (at + 9 < bytes.length) {
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1] ?? 0;
    if (marker === 0xff) {
      at++;
      continue;
    }
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) return { height: data.getUint16(at + 5), width: data.getUint16(at + 7) };
    if (marker === 0xd9 || marker === 0xda) return undefined;
    at += 2 + data.getUint16(at + 2);
  }
  return undefined;
}

/** The one sentence for an image with more pixels than OCR_MAX_PIXELS allows. */
export function tooManyPixels(
  fileName: string,
  width: number,
  height: number,
  maxPixels: number,
): IngestError {
  return new IngestError(
    'too_large',
    `${fileName}: refused, the image is ${width.toLocaleString('en-US')} × ${height.toLocaleString('en-US')} pixels, more than the ${maxPixels.toLocaleString('en-US')} OCR reads (OCR_MAX_PIXELS).`,
  );
}
