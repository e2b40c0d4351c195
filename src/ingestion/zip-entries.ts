import { IngestError } from '../errors.js';

export interface ZipEntry {
  name: string;
  compressedSize: number;
  uncompressedSize: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;

/**
 * Reads a ZIP's central directory without inflating anything, so a decompression bomb can be
 * refused before a DOCX parser expands it.
 */
export function listZipEntries(bytes: Uint8Array, fileName: string): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const corrupt = () =>
    new IngestError('corrupt', `${fileName}: the file is damaged (its ZIP structure is unreadable).`);
  // The end-of-central-directory record sits in the last 64 KiB (it may be followed by a comment).
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 65_557); i--) {
    if (view.getUint32(i, true) === EOCD_SIGNATURE) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw corrupt();
  const count = view.getUint16(eocd + 10, true);
  let offset = view.getUint32(eocd + 16, true);
  const entries: ZipEntry[] = [];
  const decoder = new TextDecoder();
  for (let n = 0; n < count; n++) {
    if (offset + 46 > bytes.length || view.getUint32(offset, true) !== CENTRAL_SIGNATURE) throw corrupt();
    const nameLength = view.getUint16(offset + 28, true);
    const extraLength = view.getUint16(offset + 30, true);
    const commentLength = view.getUint16(offset + 32, true);
    entries.push({
      compressedSize: view.getUint32(offset + 20, true),
      uncompressedSize: view.getUint32(offset + 24, true),
      name: decoder.decode(bytes.subarray(offset + 46, offset + 46 + nameLength)),
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

export const MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024;
const MAX_RATIO = 200;

export function assertNotZipBomb(bytes: Uint8Array, fileName: string): void {
  const entries = listZipEntries(bytes, fileName);
  const total = entries.reduce((sum, e) => sum + e.uncompressedSize, 0);
  const compressed = entries.reduce((sum, e) => sum + e.compressedSize, 0) || 1;
  // ZIP64 marks sizes as 0xFFFFFFFF; a Word document never needs it.
  const zip64 = entries.some((e) => e.uncompressedSize === 0xffffffff);
  if (
    zip64 ||
    total > MAX_UNCOMPRESSED_BYTES ||
    (total > 10 * 1024 * 1024 && total / compressed > MAX_RATIO)
  ) {
    throw new IngestError(
      'corrupt',
      `${fileName}: refused, it would expand to ${Math.round(total / 1024 / 1024)} MB when unpacked (a decompression bomb?).`,
    );
  }
}
