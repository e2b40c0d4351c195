import { DocentError, describeError } from '../../core/errors.js';
import type { SourceKind, SourceReadContext } from '../../core/ports/source-kind.js';
import type { SourceItem } from '../../core/ports/source-store.js';
import { eachConcurrently } from '../web/host-pacer.js';
import { type DriveFile, DriveFolder, FOLDER } from './drive-folder.js';
import { serviceAccountClient } from './service-account.js';

export interface GdriveSourceOptions {
  /** SOURCE_GDRIVE_API_URL: Google's API root, or a proxy in front of it. */
  rootUrl: string;
  /** Files read when the source does not set its own `maxPages`. */
  maxFiles: number;
  /** Largest file downloaded or exported. */
  maxBytes: number;
  /** Tries again on a 5xx, with the client's backoff; 2 unless a test wants failures at once. */
  retries?: number;
  /** Downloads at once. */
  concurrency?: number;
  timeoutMs?: number;
}

// Folders are recursed this deep and this many at most: a shortcut loop or a vast tree stops here.
const MAX_DEPTH = 10;
const MAX_FOLDERS = 1000;
const FOLDER_ID = /^[A-Za-z0-9_-]{10,128}$/;

/** Google's own formats, exported as what the extractors read; other google-apps types are skipped. */
const EXPORTS: Record<string, string> = {
  'application/vnd.google-apps.document': 'text/html',
  'application/vnd.google-apps.spreadsheet': 'text/csv',
  'application/vnd.google-apps.presentation': 'text/plain',
};
/** Files downloaded as they are and ingested through the usual extractors. */
const DOWNLOADS = new Set([
  'application/pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'text/plain',
  'text/markdown',
  'text/x-markdown',
  'text/html',
  'text/csv',
  'application/json',
]);

/**
 * `gdrive`: the documents of a Google Drive folder and its subfolders, read as a service account
 * the folder is shared with. A file whose checksum (or, for Google's own formats, modification
 * time) is what the last sync saw costs no download.
 */
export function gdriveSource(options: GdriveSourceOptions): SourceKind {
  return {
    kind: 'gdrive',
    checkTarget: (target) => `https://drive.google.com/drive/folders/${folderId(target)}`,
    read: (context) => readFolder(context, options),
  };
}

/** A folder's address (https://drive.google.com/drive/folders/ID, any /u/N/ or query) or its id. */
function folderId(target: string): string {
  const trimmed = target.trim();
  if (FOLDER_ID.test(trimmed)) return trimmed;
  const url = URL.canParse(trimmed) ? new URL(trimmed) : undefined;
  const id =
    url?.hostname === 'drive.google.com' ? /\/folders\/([^/?#]+)/.exec(url.pathname)?.[1] : undefined;
  if (!id || !FOLDER_ID.test(id))
    throw new DocentError(
      'invalid_input',
      `"${target}" is not a Google Drive folder: use its address, https://drive.google.com/drive/folders/ID, or its ID.`,
    );
  return id;
}

async function readFolder(context: SourceReadContext, options: GdriveSourceOptions): Promise<void> {
  if (!context.secret)
    throw new DocentError(
      'invalid_input',
      "A gdrive source needs a service account's key: name its JSON file with --key-file.",
    );
  const drive = await DriveFolder.open(await serviceAccountClient(context.secret), {
    rootUrl: options.rootUrl,
    retries: options.retries ?? 2,
    timeoutMs: options.timeoutMs ?? 30_000,
  });
  const maxFiles = Number(context.source.settings.maxPages ?? options.maxFiles);
  const files = await listTree(drive, folderId(context.source.target), maxFiles);
  await eachConcurrently(files, options.concurrency ?? 4, async (file) => {
    const key = file.webViewLink ?? `https://drive.google.com/file/d/${file.id}/view`;
    const previous = context.previous.get(key);
    if (previous && isUnchanged(file, previous)) {
      await context.emit({ key, status: 'unchanged', item: previous });
      return;
    }
    if (file.size !== undefined && file.size > options.maxBytes) {
      const error = `${file.name}: ${Math.ceil(file.size / 1048576)} MB, over the limit of ${Math.floor(options.maxBytes / 1048576)} MB.`;
      await context.emit({ key, status: 'failed', error });
      return;
    }
    try {
      const exportAs = EXPORTS[file.mimeType];
      const bytes = exportAs
        ? await drive.export(file, exportAs, options.maxBytes)
        : await drive.download(file, options.maxBytes);
      const item: SourceItem = { key, etag: file.md5Checksum, lastModified: file.modifiedTime };
      await context.emit({ key, status: 'fetched', item, bytes });
    } catch (error) {
      await context.emit({ key, status: 'failed', error: describeError(error) });
    }
  });
}

/** The checksum when Drive keeps one (files uploaded as they are), else the modification time. */
function isUnchanged(file: DriveFile, previous: SourceItem): boolean {
  if (file.md5Checksum) return previous.etag === file.md5Checksum;
  return file.modifiedTime !== undefined && previous.lastModified === file.modifiedTime;
}

/**
 * Every readable file under the folder, breadth first, within the depth, folder and file limits.
 * A listing that fails throws: then nothing is taken for deleted.
 */
async function listTree(drive: DriveFolder, rootId: string, maxFiles: number): Promise<DriveFile[]> {
  const files: DriveFile[] = [];
  const seen = new Set<string>([rootId]);
  let folders = 1;
  let level = [rootId];
  for (let depth = 0; depth <= MAX_DEPTH && level.length > 0 && files.length < maxFiles; depth++) {
    const next: string[] = [];
    for (const folder of level) {
      for (const file of await drive.children(folder, maxFiles + MAX_FOLDERS)) {
        if (seen.has(file.id)) continue;
        seen.add(file.id);
        if (file.mimeType === FOLDER) {
          if (folders++ < MAX_FOLDERS) next.push(file.id);
        } else if ((EXPORTS[file.mimeType] || DOWNLOADS.has(file.mimeType)) && files.length < maxFiles)
          files.push(file);
      }
    }
    level = next;
  }
  return files;
}
