// npm run bench:http: requests/s of the cached query path and /healthz of `docent serve`, next to a
// bare node:http hello-world, each server pinned to core 0 and the load generator to core 1. A
// third reference server takes the query's shape with none of its work: it reads the same POST,
// parses its JSON and replies with a JSON document the size of the cached answer. The gap between
// it and the hello-world is what the request and response cost by themselves.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';

const SECONDS = 5;
const ROUNDS = 5;
const WARM_UP_SECONDS = 2;
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
const SAME_SHAPE = `
const reply = process.argv[1];
require('http').createServer((q, s) => {
  const chunks = [];
  q.on('data', (c) => chunks.push(c));
  q.on('end', () => {
    JSON.parse(Buffer.concat(chunks).toString() || '{}');
    s.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(reply) }).end(reply);
  });
}).listen(18992, '127.0.0.1');`;
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
await waitFor('http://127.0.0.1:18990/');
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
const sameShape = pinned(['-e', SAME_SHAPE, JSON.stringify(again)], {});
await waitFor('http://127.0.0.1:18992/');

const targets = {
  bare_node_http: { url: 'http://127.0.0.1:18990/' },
  same_shape_node_http: { url: 'http://127.0.0.1:18992/', ...query },
  healthz: { url: `${base}/healthz` },
  cached_query: { url: `${base}/api/v1/query`, ...query },
};
type Figures = Awaited<ReturnType<typeof load>>;
const rounds: Record<keyof typeof targets, Figures>[] = [];
// The machine's speed drifts from minute to minute: the three targets take turns, round after
// round, and each figure is the median round, so a slow minute does not favour one of them.
for (const options of Object.values(targets)) await load({ ...options, duration: WARM_UP_SECONDS });
for (let round = 0; round < ROUNDS; round++) {
  const figures = {} as Record<keyof typeof targets, Figures>;
  for (const [name, options] of Object.entries(targets))
    figures[name as keyof typeof targets] = await load(options);
  rounds.push(figures);
}
bare.kill();
sameShape.kill();
docent.kill('SIGTERM');
await rm(dir, { recursive: true, force: true });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const ratios = (name: keyof typeof targets) =>
  rounds.map((r) => Number((r[name].requests_per_s / r.bare_node_http.requests_per_s).toFixed(3)));
console.log(
  JSON.stringify(
    {
      node: process.version,
      connections: CONNECTIONS,
      seconds_per_run: SECONDS,
      rounds: rounds.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.requests_per_s]))),
      median_requests_per_s: Object.fromEntries(
        Object.keys(targets).map((k) => [
          k,
          median(rounds.map((r) => r[k as keyof typeof targets].requests_per_s)),
        ]),
      ),
      cached_query_vs_bare: { per_round: ratios('cached_query'), median: median(ratios('cached_query')) },
      healthz_vs_bare: { per_round: ratios('healthz'), median: median(ratios('healthz')) },
      same_shape_vs_bare: {
        per_round: ratios('same_shape_node_http'),
        median: median(ratios('same_shape_node_http')),
      },
      last_round: rounds.at(-1),
    },
    null,
    2,
  ),
);
