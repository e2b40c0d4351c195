import { inflateRawSync } from 'node:zlib';
import { IngestError } from '../core/errors.js';

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated; nothing else appears in an Office file. */
  method: number;
  compressedSize: number;
  /** What the archive claims: only a hint, the inflated bytes are counted when read. */
  uncompressedSize: number;
  localHeaderOffset: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;

const damaged = (fileName: string) =>
  new IngestError('corrupt', `${fileName}: the file is damaged (its ZIP structure is unreadable).`);

/** Reads a ZIP's central directory without inflating anything. */
export function listZipEntries(bytes: Uint8Array, fileName: string): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The end-of-central-directory record sits in the last 64 KiB (it may be followed by a comment).
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 65_557); i--) {
    if (view.getUint32(i, true) === EOCD_SIGNATURE) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw damaged(fileName);
  const count = view.getUint16(eocd + 10, true);
  let offset = view.getUint32(eocd + 16, true);
  const entries: ZipEntry[] = [];
  const decoder = new TextDecoder();
  for (let n = 0; n < count; n++) {
    if (offset + 46 > bytes.length || view.getUint32(offset, true) !== CENTRAL_SIGNATURE)
      throw damaged(fileName);
    const nameLength = view.getUint16(offset + 28, true);
    const extraLength = view.getUint16(offset + 30, true);
    const commentLength = view.getUint16(offset + 32, true);
    entries.push({
      method: view.getUint16(offset + 10, true),
      compressedSize: view.getUint32(offset + 20, true),
      uncompressedSize: view.getUint32(offset + 24, true),
      localHeaderOffset: view.getUint32(offset + 42, true),
      name: decoder.decode(bytes.subarray(offset + 46, offset + 46 + nameLength)),
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

export const MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024;
const MAX_RATIO = 200;

/** Refuses an archive that admits to being a bomb, before anything is inflated. */
export function assertNotZipBomb(bytes: Uint8Array, fileName: string): void {
  const entries = listZipEntries(bytes, fileName);
  const total = entries.reduce((sum, e) => sum + e.uncompressedSize, 0);
  const compressed = entries.reduce((sum, e) => sum + e.compressedSize, 0) || 1;
  // ZIP64 marks sizes as 0xFFFFFFFF; a Word document never needs it.
  const zip64 = entries.some((e) => e.uncompressedSize === 0xffffffff || e.compressedSize === 0xffffffff);
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

/** A ZIP whose entries are inflated on demand, all of them together never past a byte limit. */
export interface BoundedZip {
  exists(name: string): boolean;
  read(name: string): Uint8Array;
}

/**
 * Opens a ZIP so that reading it cannot cost more than `maxInflatedBytes`, whatever sizes the
 * archive declares: every entry is inflated with its output capped at what is left of the limit,
 * and an entry that would pass it refuses the whole file.
 */
export function openBoundedZip(bytes: Uint8Array, fileName: string, maxInflatedBytes: number): BoundedZip {
  const entries = new Map(listZipEntries(bytes, fileName).map((e) => [e.name, e]));
  const inflated = new Map<string, Uint8Array>();
  let used = 0;
  return {
    exists: (name) => entries.has(name),
    read(name) {
      const done = inflated.get(name);
      if (done) return done;
      const entry = entries.get(name);
      if (!entry) throw damaged(fileName);
      const data = inflateEntry(bytes, entry, fileName, maxInflatedBytes - used);
      if (data === undefined) throw unpacksTooLarge(fileName, maxInflatedBytes);
      // Within the limit but not what the archive said: damaged, as any ZIP reader would say.
      if (data.length !== entry.uncompressedSize) throw damaged(fileName);
      used += data.length;
      inflated.set(name, data);
      return data;
    },
  };
}

/** The entry's bytes, or undefined when they are more than `allowed`. */
function inflateEntry(
  bytes: Uint8Array,
  entry: ZipEntry,
  fileName: string,
  allowed: number,
): Uint8Array | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = entry.localHeaderOffset;
  if (at + 30 > bytes.length || view.getUint32(at, true) !== LOCAL_SIGNATURE) throw damaged(fileName);
  const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
  const end = start + entry.compressedSize;
  if (end > bytes.length) throw damaged(fileName);
  const data = bytes.subarray(start, end);
  if (entry.method === 0) return data.length > allowed ? undefined : data;
  if (entry.method !== 8) throw damaged(fileName);
  let output: Uint8Array;
  try {
    // zlib stops (and throws) as soon as its output passes the cap, so a bomb never fills memory.
    output = inflateRawSync(data, { maxOutputLength: Math.max(1, allowed + 1) });
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') return undefined;
    throw damaged(fileName);
  }
  return output.length > allowed ? undefined : output;
}

function unpacksTooLarge(fileName: string, limit: number): IngestError {
  return new IngestError(
    'too_large',
    `${fileName}: refused, its contents unpack to more than ${(limit / 1024 / 1024).toFixed(1)} MB, more than Docent reads from one document.`,
  );
}
