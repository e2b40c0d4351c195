import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Resolver } from '../../src/ingestion/address-policy.js';
import { fetchUrl } from '../../src/ingestion/fetch-url.js';

/** A web server on 127.0.0.1 that records what reaches it and answers from a table of routes. */
async function startSite(routes: Record<string, (origin: string) => { status: number; location?: string }>) {
  const requests: { path: string; headers: IncomingHttpHeaders }[] = [];
  const server: Server = createServer((req, res) => {
    requests.push({ path: req.url ?? '', headers: req.headers });
    const route = routes[req.url ?? ''];
    if (!route) return void res.writeHead(200, { 'content-type': 'text/plain' }).end('the document');
    const { status, location } = route(origin);
    res.writeHead(status, location ? { location } : {}).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, requests, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

let internal: Awaited<ReturnType<typeof startSite>>;
let site: Awaited<ReturnType<typeof startSite>>;

beforeAll(async () => {
  internal = await startSite({});
  site = await startSite({
    '/to-internal': () => ({ status: 302, location: `${internal.origin}/secret` }),
    '/to-metadata': () => ({ status: 301, location: 'http://169.254.169.254/latest/meta-data/' }),
    '/to-mapped': () => ({ status: 307, location: 'http://[::ffff:a9fe:a9fe]/latest/meta-data/' }),
    '/to-file': () => ({ status: 302, location: 'file:///etc/passwd' }),
    '/same-origin': (origin) => ({ status: 302, location: `${origin}/doc` }),
    '/loop': (origin) => ({ status: 302, location: `${origin}/loop` }),
  });
});

afterAll(async () => {
  await site.close();
  await internal.close();
});

beforeEach(() => {
  internal.requests.length = 0;
  site.requests.length = 0;
});

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('fetching a URL someone gave Docent', () => {
  // The site stands for a public web server: its origin is trusted here, the internal one is not.
  const trusted = () => ({ trustedOrigins: [site.origin] });

  it('refuses a redirect into a private or metadata address, and the internal server hears nothing', async () => {
    await expect(fetchUrl(`${site.origin}/to-internal`, trusted())(1_000_000)).rejects.toThrow(
      `${site.origin}/to-internal: 127.0.0.1 is a private address; set ALLOW_PRIVATE_URLS=true to allow intranet URLs.`,
    );
    expect(internal.requests).toEqual([]);
    await expect(fetchUrl(`${site.origin}/to-metadata`, trusted())(1_000_000)).rejects.toThrow(
      '169.254.169.254 is a private address',
    );
    await expect(fetchUrl(`${site.origin}/to-mapped`, trusted())(1_000_000)).rejects.toThrow(
      '[::ffff:a9fe:a9fe] is a private address',
    );
    await expect(fetchUrl(`${site.origin}/to-file`, trusted())(1_000_000)).rejects.toThrow(
      'only http and https links are fetched, not file.',
    );
  });

  it('follows the same redirect when ALLOW_PRIVATE_URLS is set', async () => {
    const bytes = await fetchUrl(`${site.origin}/to-internal`, { allowPrivate: true })(1_000_000);
    expect(text(bytes)).toBe('the document');
    expect(internal.requests.map((r) => r.path)).toEqual(['/secret']);
  });

  it('refuses a name that resolves to a private address, and connects to the address it checked', async () => {
    const port = new URL(internal.origin).port;
    const resolve: Resolver = async () => [{ address: '127.0.0.1', family: 4 }];
    const url = `http://docs.example.test:${port}/handbook`;
    await expect(fetchUrl(url, { resolve })(1_000_000)).rejects.toThrow(
      `${url}: docs.example.test resolves to a private address; set ALLOW_PRIVATE_URLS=true to allow intranet URLs.`,
    );
    expect(internal.requests).toEqual([]);
    // Allowed, the same name reaches the address the resolver gave: nothing else is looked up.
    const bytes = await fetchUrl(url, { resolve, allowPrivate: true })(1_000_000);
    expect(text(bytes)).toBe('the document');
    expect(internal.requests[0]?.headers.host).toBe(`docs.example.test:${port}`);
  });

  it('sends its headers to the URL’s own origin only, never across a redirect to another', async () => {
    const headers = { authorization: 'Bearer xoxb-secret' };
    await fetchUrl(`${site.origin}/same-origin`, { headers, allowPrivate: true })(1_000_000);
    expect(site.requests.map((r) => r.headers.authorization)).toEqual([
      'Bearer xoxb-secret',
      'Bearer xoxb-secret',
    ]);
    await fetchUrl(`${site.origin}/to-internal`, { headers, allowPrivate: true })(1_000_000);
    expect(internal.requests).toHaveLength(1);
    expect(internal.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('gives up on a redirect loop', async () => {
    await expect(fetchUrl(`${site.origin}/loop`, trusted())(1_000_000)).rejects.toThrow(
      `${site.origin}/loop: it redirects more than 5 times.`,
    );
  });
});
