import { IngestError } from '../../core/errors.js';
import { type ImageKind, imageSize, tooManyPixels } from './image-size.js';
import type { OcrReader } from './ocr-reader.js';

/** The text OCR finds in a PNG or JPEG, its size checked from the header before it is decoded. */
export async function readImage(
  bytes: Uint8Array,
  kind: ImageKind,
  fileName: string,
  ocr: OcrReader,
): Promise<string> {
  const { width, height } = imageSize(bytes, kind, fileName);
  if (width * height > ocr.settings.maxPixels)
    throw tooManyPixels(fileName, width, height, ocr.settings.maxPixels);
  return ocr.recognize(bytes, Date.now() + ocr.settings.timeoutMs, fileName);
}

/** The one sentence for a scan in which OCR found nothing to index. */
export const noReadableText = (fileName: string) =>
  new IngestError('no_text', `${fileName}: no readable text found.`);
