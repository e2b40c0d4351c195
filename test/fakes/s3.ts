import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';

export interface FakeS3 {
  /** What clients are given as the S3 endpoint. */
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Conditional writes refused because the object already existed: commits that lost a race. */
  refusedWrites(): number;
  close(): Promise<void>;
}

/**
 * An S3-compatible server on 127.0.0.1: s3rver, behind a front that honours `If-None-Match: *`
 * on PUT the way S3 does. LanceDB commits a table version by writing its manifest with that
 * header, and relies on the store refusing the second writer of a version; s3rver ignores the
 * header and lets the second commit replace the first, so without the front two processes that
 * commit at once silently lose one commit. `conditionalWrites: false` gives s3rver as it is.
 */
export async function startFakeS3(options: { conditionalWrites?: boolean } = {}): Promise<FakeS3> {
  const directory = await mkdtemp(path.join(tmpdir(), 'docent-s3-'));
  const bucket = 'docent-test';
  const s3rver = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  const { port: backendPort } = await s3rver.run();
  let refused = 0;
  // One conditional write per key at a time: the existence check and the write are one step.
  const keyLocks = new Map<string, Promise<void>>();

  const forward = (req: IncomingMessage, res: ServerResponse, body?: Buffer) =>
    new Promise<void>((resolve) => {
      const upstream = request(
        { host: '127.0.0.1', port: backendPort, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          answer.on('end', resolve);
        },
      );
      upstream.on('error', (error) => {
        res.destroy(error);
        resolve();
      });
      if (body) upstream.end(body);
      else req.pipe(upstream);
    });

  const exists = (url: string) =>
    new Promise<boolean>((resolve, reject) => {
      const head = request({ host: '127.0.0.1', port: backendPort, method: 'HEAD', path: url }, (answer) => {
        answer.resume();
        resolve(answer.statusCode === 200);
      });
      head.on('error', reject);
      head.end();
    });

  async function conditionalPut(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const key = (req.url ?? '').split('?')[0] ?? '';
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const previous = keyLocks.get(key) ?? Promise.resolve();
    let release = () => {};
    const mine = new Promise<void>((r) => {
      release = r;
    });
    keyLocks.set(key, mine);
    await previous;
    try {
      if (await exists(key)) {
        refused++;
        res.writeHead(412, { 'content-type': 'application/xml' });
        res.end(
          '<?xml version="1.0" encoding="UTF-8"?><Error><Code>PreconditionFailed</Code>' +
            '<Message>At least one of the pre-conditions you specified did not hold</Message></Error>',
        );
        return;
      }
      await forward(req, res, Buffer.concat(chunks));
    } finally {
      release();
      if (keyLocks.get(key) === mine) keyLocks.delete(key);
    }
  }

  // s3rver leaves out the common prefixes of "directories" that hold only other directories
  // (`db/` over `db/t.lance/_versions/…`), so LanceDB's table listing came back empty: listings
  // by delimiter are worked out here from s3rver's flat listing.
  async function listByDelimiter(url: URL, res: ServerResponse): Promise<void> {
    const prefix = url.searchParams.get('prefix') ?? '';
    const delimiter = url.searchParams.get('delimiter') ?? '';
    const flat = await fetch(
      `http://127.0.0.1:${backendPort}/${bucket}?prefix=${encodeURIComponent(prefix)}&max-keys=100000`,
    );
    const xml = await flat.text();
    if (xml.includes('<IsTruncated>true</IsTruncated>')) throw new Error('listing too long for the fake S3');
    const contents = [...xml.matchAll(/<Contents>.*?<\/Contents>/gs)].map((m) => m[0]);
    const keyOf = (entry: string) => unescapeXml(/<Key>(.*?)<\/Key>/s.exec(entry)?.[1] ?? '');
    const prefixes = new Set<string>();
    const direct: string[] = [];
    for (const entry of contents) {
      const rest = keyOf(entry).slice(prefix.length);
      const cut = rest.indexOf(delimiter);
      if (cut === -1) direct.push(entry);
      else prefixes.add(prefix + rest.slice(0, cut + delimiter.length));
    }
    const common = [...prefixes]
      .sort()
      .map((p) => `<CommonPrefixes><Prefix>${escapeXml(p)}</Prefix></CommonPrefixes>`);
    res.writeHead(200, { 'content-type': 'application/xml' });
    res.end(
      '<?xml version="1.0" encoding="UTF-8"?><ListBucketResult>' +
        `<Name>${bucket}</Name><Prefix>${escapeXml(prefix)}</Prefix><Delimiter>${escapeXml(delimiter)}</Delimiter>` +
        `<KeyCount>${direct.length + prefixes.size}</KeyCount><MaxKeys>100000</MaxKeys><IsTruncated>false</IsTruncated>` +
        `${direct.join('')}${common.join('')}</ListBucketResult>`,
    );
  }

  const front: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (req.method === 'GET' && url.pathname === `/${bucket}` && url.searchParams.get('delimiter')) {
      listByDelimiter(url, res).catch((error: Error) => res.writeHead(500).end(error.message));
      return;
    }
    const conditional = req.method === 'PUT' && req.headers['if-none-match'] === '*';
    if (conditional && options.conditionalWrites !== false) void conditionalPut(req, res);
    else void forward(req, res);
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  const { port } = front.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    refusedWrites: () => refused,
    async close() {
      front.closeAllConnections();
      await new Promise<void>((resolve) => front.close(() => resolve()));
      await s3rver.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const unescapeXml = (text: string) =>
  text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
