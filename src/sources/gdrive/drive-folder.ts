import type { Readable } from 'node:stream';
import type { drive_v3 } from '@googleapis/drive';
import type { JWT } from 'google-auth-library';
import { DocentError } from '../../core/errors.js';
import { tooLarge } from '../../core/ingest-document.js';

export const FOLDER = 'application/vnd.google-apps.folder';
const FILE_FIELDS = 'id, name, mimeType, modifiedTime, md5Checksum, webViewLink, size';

export interface DriveFile {
  id: string;
  name: string;
  mimeType: string;
  modifiedTime?: string;
  md5Checksum?: string;
  webViewLink?: string;
  size?: number;
}

export interface DriveFolderOptions {
  /** The API's root, https://www.googleapis.com/ unless a proxy stands in front of it. */
  rootUrl: string;
  /** Tries again on a 5xx or a dropped connection, with the client's growing backoff. */
  retries: number;
  timeoutMs: number;
}

/** Google Drive's v3 API as a folder's reader needs it: listing children, downloading, exporting. */
export class DriveFolder {
  private constructor(private readonly api: drive_v3.Drive) {}

  /** The client library is loaded on the first sync: it is large, and every command would pay for it. */
  static async open(auth: JWT, options: DriveFolderOptions): Promise<DriveFolder> {
    const { drive } = await import('@googleapis/drive');
    return new DriveFolder(
      drive({
        version: 'v3',
        auth,
        rootUrl: options.rootUrl,
        timeout: options.timeoutMs,
        retryConfig: { retry: options.retries, noResponseRetries: options.retries },
      }),
    );
  }

  /**
   * The files and folders directly in a folder, not trashed, page by page; shared drives included.
   * Stops once `limit` are listed.
   */
  async children(folderId: string, limit: number): Promise<DriveFile[]> {
    const found: DriveFile[] = [];
    let pageToken: string | undefined;
    do {
      const { data } = await this.call(`the folder ${folderId}`, () =>
        this.api.files.list({
          q: `'${folderId}' in parents and trashed = false`,
          fields: `nextPageToken, files(${FILE_FIELDS})`,
          pageSize: 1000,
          pageToken,
          supportsAllDrives: true,
          includeItemsFromAllDrives: true,
        }),
      );
      for (const file of data.files ?? []) {
        if (!file.id || !file.mimeType) continue;
        found.push({
          id: file.id,
          name: file.name ?? file.id,
          mimeType: file.mimeType,
          modifiedTime: file.modifiedTime ?? undefined,
          md5Checksum: file.md5Checksum ?? undefined,
          webViewLink: file.webViewLink ?? undefined,
          size: file.size ? Number(file.size) : undefined,
        });
      }
      pageToken = data.nextPageToken ?? undefined;
    } while (pageToken && found.length < limit);
    return found.slice(0, limit);
  }

  /** A file's own bytes, refused as soon as they grow past `maxBytes`. */
  async download(file: DriveFile, maxBytes: number): Promise<Uint8Array> {
    const response = await this.call(file.name, () =>
      this.api.files.get(
        { fileId: file.id, alt: 'media', supportsAllDrives: true },
        { responseType: 'stream' },
      ),
    );
    return readCapped(response.data as unknown as Readable, file.name, maxBytes);
  }

  /** A Google Docs, Sheets or Slides file converted by Drive to `mimeType`. */
  async export(file: DriveFile, mimeType: string, maxBytes: number): Promise<Uint8Array> {
    const response = await this.call(file.name, () =>
      this.api.files.export({ fileId: file.id, mimeType }, { responseType: 'stream' }),
    );
    return readCapped(response.data as unknown as Readable, file.name, maxBytes);
  }

  /** The client's errors as one sentence naming what was asked for and what Drive answered. */
  private async call<T>(what: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      const status =
        (error as { status?: number; response?: { status?: number } }).status ??
        (error as { response?: { status?: number } }).response?.status;
      if (status === 401 || status === 403)
        throw new DocentError(
          'unreadable',
          `Google Drive refused ${what} (${status}): share the folder with the service account's email, and enable the Drive API for its project.`,
        );
      if (status === 404)
        throw new DocentError('not_found', `${what}: Google Drive has no such file for the service account.`);
      const reason = status ? `answered ${status}` : `could not be reached (${(error as Error).message})`;
      throw new DocentError('unreadable', `${what}: Google Drive ${reason}.`);
    }
  }
}

async function readCapped(stream: Readable, name: string, maxBytes: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      stream.destroy();
      throw tooLarge(name, size, maxBytes);
    }
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}
