// npm run bench:sync: a web source of 5,000 pages on a fake site on 127.0.0.1 (sitemap, robots.txt,
// ETags), synced by the default settings (2 requests at a time, no interval) into LanceDB with the
// local embedder: the first sync, then one where nothing changed, then one where 1% changed.
// `-- --pages N` for another size; `-- --kind github` for a repository instead (bench/sync-github.ts).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { sourceKinds } from '../src/composition/source-kinds.js';
import { loadConfig } from '../src/config.js';
import { Sources } from '../src/core/sources.js';
import { readSecret } from '../src/sources/secrets.js';
import { DuckDbClient } from '../src/stores/sql/duckdb-client.js';
import { SqlSourceStore } from '../src/stores/sql/sql-source-store.js';
import { FakeWebSite, pageAbout } from '../test/fakes/web-site.js';
import { tempLanceKnowledgeBase } from '../test/helpers/temp-kb.js';

const kindArgument = process.argv.indexOf('--kind');
if (kindArgument > 0 && process.argv[kindArgument + 1] === 'github') {
  await import('./sync-github.js');
  process.exit(0);
}

const argument = process.argv.indexOf('--pages');
const PAGES = argument > 0 ? Number(process.argv[argument + 1]) : 5000;
const CHANGED = Math.max(1, Math.round(PAGES / 100));

const site = await new FakeWebSite().start();
site.menuLinksAll = false;
const topic = (i: number) =>
  pageAbout(`Handbook page ${i}`, `Procedure ${i}: file form ${i * 7} with team ${i % 40}.`);
for (let i = 0; i < PAGES; i++) site.pages.set(`/docs/page-${i}`, topic(i));

const dir = await mkdtemp(path.join(tmpdir(), 'docent-bench-sync-'));
const kb = await tempLanceKnowledgeBase();
const sql = await DuckDbClient.open(path.join(dir, 'sources.duckdb'));
const config = loadConfig({ DATA_DIR: dir, ALLOW_PRIVATE_URLS: 'true', SOURCE_MAX_PAGES: String(PAGES) });
const sources = new Sources({
  store: await SqlSourceStore.open(sql),
  kinds: sourceKinds(config),
  knowledgeBase: kb.kb,
  readSecret: (ref) => readSecret(ref, config.sources.secretsDir),
  secretsDir: config.sources.secretsDir,
  retryBaseMs: config.sources.retryMs,
});
const source = await sources.add({ tenantId: 'bench', kind: 'web', target: `${site.url}/docs/sitemap.xml` });

const rows: string[] = [];
async function timedSync(label: string) {
  site.requests.splice(0);
  const embeddedBefore = kb.embedder.embedded;
  const started = performance.now();
  const state = (await sources.sync(source.id))?.state;
  const seconds = (performance.now() - started) / 1000;
  const requests = site.requests.length;
  const notModified = site.requests.filter((r) => r.status === 304).length;
  const embedded = kb.embedder.embedded - embeddedBefore;
  const c = state?.counts;
  rows.push(
    `| ${label} | ${seconds.toFixed(1)} s | ${requests} (${notModified} × 304) | ${embedded} | ${c?.added}/${c?.updated}/${c?.unchanged}/${c?.removed}/${c?.failed} |`,
  );
  console.log(rows.at(-1));
}

await timedSync('first sync');
await timedSync('no change');
for (let i = 0; i < CHANGED; i++) site.pages.set(`/docs/page-${(i * 97) % PAGES}`, topic(i + PAGES));
await timedSync(`${CHANGED} pages changed`);

console.log(`\n${PAGES} pages, 2 requests at a time (SOURCE_WEB_CONCURRENCY), local embedder, LanceDB`);
console.log('| sync | time | requests | passages embedded | added/updated/unchanged/removed/failed |');
console.log('| --- | --- | --- | --- | --- |');
for (const row of rows) console.log(row);
await sql.close();
await kb.cleanup();
await site.stop();
await rm(dir, { recursive: true, force: true });
