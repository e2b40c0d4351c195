import { createHash, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DriveRequest {
  method: string;
  path: string;
  status: number;
  authorization?: string;
  host?: string;
}

interface StoredFile {
  name: string;
  mimeType: string;
  parents: string[];
  content: Uint8Array;
  modifiedTime: string;
  trashed: boolean;
}

const FOLDER = 'application/vnd.google-apps.folder';
const ACCESS_TOKEN = 'ya29.fake-access-token';

/**
 * Google's token endpoint and Drive's v3 API on 127.0.0.1, as much as a folder's reader uses: a
 * service account's signed assertion (checked against its public key) traded for an access token,
 * a folder's children by query and page token, downloads (`alt=media`) and Google Docs exports.
 * Files can be edited, trashed, moved and made to fail.
 */
export class FakeGoogleDrive {
  readonly clientEmail = 'docent-reader@acme-docs.iam.gserviceaccount.com';
  readonly requests: DriveRequest[] = [];
  readonly failing = new Set<string>();
  /** Files per listing response, small so that page tokens are followed. */
  pageSize = 3;
  private readonly files = new Map<string, StoredFile>();
  private readonly keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  private server?: Server;
  private origin = '';
  private clock = 0;

  get url(): string {
    return this.origin;
  }

  get accessToken(): string {
    return ACCESS_TOKEN;
  }

  /** A service account key file's JSON, its token_uri on this fake. */
  keyFile(): string {
    return JSON.stringify({
      type: 'service_account',
      project_id: 'acme-docs',
      private_key_id: 'k1',
      private_key: this.keys.privateKey.export({ type: 'pkcs8', format: 'pem' }),
      client_email: this.clientEmail,
      token_uri: `${this.origin}/token`,
    });
  }

  folder(id: string, name: string, parent?: string): void {
    this.put(id, { name, mimeType: FOLDER, parents: parent ? [parent] : [], content: new Uint8Array() });
  }

  /** Adds or edits a file: its modification time moves on. */
  file(
    id: string,
    file: { name: string; mimeType: string; parent: string; content: Uint8Array | string },
  ): void {
    const content = typeof file.content === 'string' ? new TextEncoder().encode(file.content) : file.content;
    this.put(id, { name: file.name, mimeType: file.mimeType, parents: [file.parent], content });
  }

  trash(id: string): void {
    const file = this.files.get(id);
    if (file) file.trashed = true;
  }

  move(id: string, parent: string): void {
    const file = this.files.get(id);
    if (file) file.parents = [parent];
  }

  /** No files, no failures, no requests recorded: the same key and address. */
  reset(): void {
    this.files.clear();
    this.failing.clear();
    this.requests.splice(0);
  }

  take(): DriveRequest[] {
    return this.requests.splice(0);
  }

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://x');
      const send = (status: number, body: unknown, type = 'application/json') => {
        this.requests.push({
          method: request.method ?? 'GET',
          path: url.pathname,
          status,
          authorization: request.headers.authorization,
          host: request.headers.host,
        });
        const payload = body instanceof Uint8Array ? body : JSON.stringify(body);
        response.writeHead(status, { 'content-type': type }).end(payload);
      };
      if (url.pathname === '/token' && request.method === 'POST') {
        let form = '';
        request.on('data', (chunk) => {
          form += chunk;
        });
        request.on('end', () => {
          const assertion = new URLSearchParams(form).get('assertion') ?? '';
          if (!this.signedByServiceAccount(assertion)) return send(400, { error: 'invalid_grant' });
          send(200, { access_token: ACCESS_TOKEN, expires_in: 3600, token_type: 'Bearer' });
        });
        return;
      }
      if (request.headers.authorization !== `Bearer ${ACCESS_TOKEN}`)
        return send(401, {
          error: { code: 401, message: 'Request had invalid authentication credentials.' },
        });
      if (url.pathname === '/drive/v3/files') return send(200, this.listing(url));
      const match = /^\/drive\/v3\/files\/([^/]+)(\/export)?$/.exec(url.pathname);
      const id = match ? decodeURIComponent(match[1] as string) : '';
      const file = this.files.get(id);
      if (!match || !file || file.trashed)
        return send(404, { error: { code: 404, message: 'File not found.' } });
      if (this.failing.has(id)) return send(500, { error: { code: 500, message: 'Internal Error' } });
      if (match[2]) {
        const mimeType = url.searchParams.get('mimeType') ?? '';
        if (!file.mimeType.startsWith('application/vnd.google-apps.') || !mimeType)
          return send(400, { error: { code: 400, message: 'Export only supports Docs Editors files.' } });
        return send(200, file.content, mimeType);
      }
      if (url.searchParams.get('alt') !== 'media') return send(200, this.describe(id, file));
      send(200, file.content, file.mimeType);
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private put(id: string, file: Omit<StoredFile, 'modifiedTime' | 'trashed'>): void {
    this.clock++;
    const modifiedTime = new Date(Date.UTC(2026, 11, 1, 0, 0, this.clock)).toISOString();
    this.files.set(id, { ...file, modifiedTime, trashed: false });
  }

  private listing(url: URL) {
    const q = url.searchParams.get('q') ?? '';
    const parent = /^'([^']+)' in parents and trashed = false$/.exec(q)?.[1];
    if (!parent) return { error: 'unexpected query' };
    const ids = [...this.files]
      .filter(([, f]) => f.parents.includes(parent) && !f.trashed)
      .map(([id]) => id)
      .sort();
    const start = Number(url.searchParams.get('pageToken') ?? 0);
    const end = start + this.pageSize;
    return {
      files: ids.slice(start, end).map((id) => this.describe(id, this.files.get(id) as StoredFile)),
      ...(end < ids.length ? { nextPageToken: String(end) } : {}),
    };
  }

  private describe(id: string, file: StoredFile) {
    const native = file.mimeType.startsWith('application/vnd.google-apps.');
    return {
      id,
      name: file.name,
      mimeType: file.mimeType,
      modifiedTime: file.modifiedTime,
      webViewLink: native
        ? `https://docs.google.com/document/d/${id}/edit`
        : `https://drive.google.com/file/d/${id}/view`,
      ...(native
        ? {}
        : {
            md5Checksum: createHash('md5').update(file.content).digest('hex'),
            size: String(file.content.length),
          }),
    };
  }

  /** The assertion is a JWT signed with the service account's private key, issued by its email. */
  private signedByServiceAccount(assertion: string): boolean {
    const [header, payload, signature] = assertion.split('.');
    if (!header || !payload || !signature) return false;
    const key = createPublicKey(this.keys.publicKey.export({ type: 'spki', format: 'pem' }));
    const valid = verify(
      'RSA-SHA256',
      Buffer.from(`${header}.${payload}`),
      key,
      Buffer.from(signature, 'base64url'),
    );
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return valid && claims.iss === this.clientEmail && /drive\.readonly/.test(claims.scope ?? '');
  }
}
