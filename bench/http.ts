// npm run bench:http: requests/s of the cached query path and /healthz of `docent serve`, next to a
// bare node:http hello-world, each server pinned to core 0 and this load generator to core 1.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';

const SECONDS = 10;
const CONNECTIONS = 50;
const TOKEN = 'bench';

const pinned = (args: string[], env: Record<string, string>): ChildProcess =>
  spawn('taskset', ['-c', '0', process.execPath, ...args], {
    env: { PATH: process.env.PATH ?? '', LANCEDB_LOG: 'error', ...env },
    stdio: 'ignore',
  });

async function waitFor(url: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} never came up`);
}

async function load(options: autocannon.Options) {
  const result = await autocannon({ connections: CONNECTIONS, duration: SECONDS, ...options });
  return {
    requests_per_s: Math.round(result.requests.average),
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    non_2xx: result.non2xx,
    errors: result.errors,
  };
}

const dir = await mkdtemp(path.join(tmpdir(), 'docent-bench-http-'));
const bare = pinned(['-e', "require('http').createServer((q,s)=>s.end('ok')).listen(18990,'127.0.0.1')"], {});
await waitFor('http://127.0.0.1:18990/');
const bareResult = await load({ url: 'http://127.0.0.1:18990/' });
bare.kill();

const docent = pinned(['bin/docent.js', 'serve'], {
  DATA_DIR: dir,
  PORT: '18991',
  HOST: '127.0.0.1',
  DOCENT_API_TOKEN: TOKEN,
  DOCENT_ADMIN_TOKEN: TOKEN,
  LOG_LEVEL: 'warn',
  RATE_LIMIT_PER_MINUTE: '0',
});
const base = 'http://127.0.0.1:18991';
await waitFor(`${base}/healthz`);
const form = new FormData();
form.append(
  'file',
  new Blob(['# Keys\n\nRotate the production API key in Settings, then API, then Rotate.']),
  'keys.md',
);
await fetch(`${base}/admin/documents`, {
  method: 'POST',
  headers: { authorization: `Bearer ${TOKEN}` },
  body: form,
});
const query = {
  method: 'POST' as const,
  headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
  body: JSON.stringify({ question: 'how do I rotate the API key?' }),
};
const warm = await (await fetch(`${base}/api/v1/query`, query)).json();
const again = await (await fetch(`${base}/api/v1/query`, query)).json();
if (!again.cached) throw new Error(`expected a cache hit, got ${JSON.stringify(warm).slice(0, 200)}`);
const health = await load({ url: `${base}/healthz` });
const cachedQuery = await load({ url: `${base}/api/v1/query`, ...query });
docent.kill('SIGTERM');
await rm(dir, { recursive: true, force: true });
console.log(
  JSON.stringify(
    {
      connections: CONNECTIONS,
      seconds: SECONDS,
      bare_node_http: bareResult,
      healthz: health,
      cached_query: cachedQuery,
      cached_query_vs_bare: Number((cachedQuery.requests_per_s / bareResult.requests_per_s).toFixed(3)),
      healthz_vs_bare: Number((health.requests_per_s / bareResult.requests_per_s).toFixed(3)),
    },
    null,
    2,
  ),
);
