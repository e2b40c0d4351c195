import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ApiRequest {
  method: string;
  path: string;
  status: number;
  authorization?: string;
  host?: string;
}

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');
const blobSha = (content: string) => sha1(`blob ${Buffer.byteLength(content)}\0${content}`);

/**
 * GitHub's REST API for one repository on 127.0.0.1, as far as a reader of its files goes: the
 * repository, a branch's head, a commit's recursive tree and blobs. Commit and blob ids are
 * content hashes, so an unchanged repository keeps its head. Blobs can be made to fail, and the
 * next request can be made to hit the rate limit.
 */
export class FakeGithubApi {
  readonly files = new Map<string, string>();
  /** Paths whose blob answers 500. */
  readonly failing = new Set<string>();
  readonly requests: ApiRequest[] = [];
  owner = 'acme';
  repo = 'handbook';
  defaultBranch = 'main';
  /** Answer the next requests with 403 and an exhausted rate limit. */
  rateLimited = 0;
  /** Blob id to path, as of the last tree listed: what a reader can ask for. */
  private readonly blobs = new Map<string, string>();
  private server?: Server;
  private origin = '';

  get url(): string {
    return this.origin;
  }

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      const path = new URL(request.url ?? '/', 'http://x').pathname;
      const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        this.requests.push({
          method: request.method ?? 'GET',
          path,
          status,
          authorization: request.headers.authorization,
          host: request.headers.host,
        });
        response
          .writeHead(status, { 'content-type': 'application/json', ...headers })
          .end(JSON.stringify(body));
      };
      if (this.rateLimited > 0) {
        this.rateLimited--;
        const reset = String(Math.ceil(Date.now() / 1000) + 60);
        return send(
          403,
          { message: 'API rate limit exceeded' },
          { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset },
        );
      }
      const base = `/repos/${this.owner}/${this.repo}`;
      const blob = /^\/repos\/[^/]+\/[^/]+\/git\/blobs\/([0-9a-f]{40})$/.exec(path);
      if (path.startsWith(base) && blob) {
        const found = this.blobs.get(blob[1] as string);
        if (!found || this.files.get(found) === undefined) return send(404, { message: 'Not Found' });
        if (this.failing.has(found)) return send(500, { message: 'Server Error' });
        const content = this.files.get(found) as string;
        return send(200, {
          sha: blob[1],
          size: Buffer.byteLength(content),
          encoding: 'base64',
          content: Buffer.from(content).toString('base64'),
        });
      }
      if (path === base)
        return send(200, { full_name: `${this.owner}/${this.repo}`, default_branch: this.defaultBranch });
      if (path === `${base}/branches/${this.defaultBranch}`)
        return send(200, {
          name: this.defaultBranch,
          commit: { sha: this.commit(), commit: { tree: { sha: this.tree() } } },
        });
      if (path === `${base}/git/trees/${this.tree()}`) return send(200, this.listing());
      send(404, { message: 'Not Found' });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  /** Requests since the last call. */
  take(): ApiRequest[] {
    return this.requests.splice(0);
  }

  private tree(): string {
    return sha1(`tree ${[...this.files].map(([p, c]) => `${p}:${blobSha(c)}`).join('\n')}`);
  }

  private commit(): string {
    return sha1(`commit ${this.tree()}`);
  }

  private listing() {
    this.blobs.clear();
    for (const [path, content] of this.files) this.blobs.set(blobSha(content), path);
    const tree = [...this.files].map(([path, content]) => ({
      path,
      mode: '100644',
      type: 'blob',
      sha: blobSha(content),
      size: Buffer.byteLength(content),
    }));
    // The folders a real tree lists too, which a reader must pass over.
    const folders = new Set(
      [...this.files.keys()].flatMap((p) => (p.includes('/') ? [p.slice(0, p.lastIndexOf('/'))] : [])),
    );
    for (const folder of folders)
      tree.push({ path: folder, mode: '040000', type: 'tree', sha: sha1(folder), size: 0 });
    return { sha: this.tree(), truncated: false, tree };
  }
}
