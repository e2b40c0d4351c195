// npm run bench:sync-api: a Confluence space and a Google Drive folder of 1,000 documents each, on
// fakes of their APIs on 127.0.0.1, synced into LanceDB with the local embedder: the first sync,
// one where nothing changed, one where 1% changed. `-- --docs N` for another size.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { sourceKinds } from '../src/composition/source-kinds.js';
import { loadConfig } from '../src/config.js';
import { Sources } from '../src/core/sources.js';
import { readSecret } from '../src/sources/secrets.js';
import { DuckDbClient } from '../src/stores/sql/duckdb-client.js';
import { SqlSourceStore } from '../src/stores/sql/sql-source-store.js';
import { FakeConfluence } from '../test/fakes/confluence.js';
import { FakeGoogleDrive } from '../test/fakes/google-drive.js';
import { tempLanceKnowledgeBase } from '../test/helpers/temp-kb.js';

const argument = process.argv.indexOf('--docs');
const DOCS = argument > 0 ? Number(process.argv[argument + 1]) : 1000;
const CHANGED = Math.max(1, Math.round(DOCS / 100));
const fact = (i: number) =>
  `Procedure ${i}: file form ${i * 7} with team ${i % 40}. This page is part of the handbook, kept by the platform group.`;

const dir = await mkdtemp(path.join(tmpdir(), 'docent-bench-sync-api-'));
const wiki = await new FakeConfluence({ email: 'bench@example.com', token: 'bench-token' }).start();
wiki.pageSize = 250;
for (let i = 0; i < DOCS; i++)
  wiki.setPage(String(1000 + i), {
    title: `Page ${i}`,
    parentId: i > 0 ? '1000' : undefined,
    body: `<p>${fact(i)}</p>`,
  });
const drive = await new FakeGoogleDrive().start();
drive.pageSize = 1000;
drive.folder('benchFolder01', 'Bench');
const putFile = (i: number, text: string) =>
  drive.file(`file${i}`, {
    name: `doc-${i}.md`,
    mimeType: 'text/markdown',
    parent: 'benchFolder01',
    content: `# Doc ${i}\n\n${text}\n`,
  });
for (let i = 0; i < DOCS; i++) putFile(i, fact(i));
const keyFile = path.join(dir, 'sa.json');
await writeFile(keyFile, drive.keyFile());

const kb = await tempLanceKnowledgeBase();
const sql = await DuckDbClient.open(path.join(dir, 'sources.duckdb'));
const config = loadConfig({
  DATA_DIR: dir,
  ALLOW_PRIVATE_URLS: 'true',
  SOURCE_MAX_PAGES: String(DOCS),
  SOURCE_GDRIVE_API_URL: drive.url,
});
const sources = new Sources({
  store: await SqlSourceStore.open(sql),
  kinds: sourceKinds(config),
  knowledgeBase: kb.kb,
  readSecret: (ref) =>
    readSecret(ref, config.sources.secretsDir, { DOCENT_SOURCE_BENCH_TOKEN: 'bench-token' }),
  secretsDir: config.sources.secretsDir,
  retryBaseMs: config.sources.retryMs,
});
const space = await sources.add({
  tenantId: 'bench',
  kind: 'confluence',
  target: `${wiki.url}/wiki/spaces/ENG`,
  settings: { email: 'bench@example.com' },
  secret: { env: 'DOCENT_SOURCE_BENCH_TOKEN' },
});
const folder = await sources.add({
  tenantId: 'bench',
  kind: 'gdrive',
  target: 'benchFolder01',
  secret: { keyFile },
});

const rows: string[] = [];
async function timedSync(kind: string, id: string, label: string, requests: () => number) {
  const embeddedBefore = kb.embedder.embedded;
  const started = performance.now();
  const state = (await sources.sync(id))?.state;
  const seconds = (performance.now() - started) / 1000;
  const c = state?.counts;
  rows.push(
    `| ${kind} | ${label} | ${seconds.toFixed(1)} s | ${requests()} | ${kb.embedder.embedded - embeddedBefore} | ${c?.added}/${c?.updated}/${c?.unchanged}/${c?.removed}/${c?.failed} |`,
  );
  console.log(rows.at(-1));
}

const wikiRequests = () => wiki.take().length;
const driveRequests = () => drive.take().length;
await timedSync('confluence', space.id, 'first sync', wikiRequests);
await timedSync('confluence', space.id, 'no change', wikiRequests);
for (let i = 0; i < CHANGED; i++) {
  const page = 1 + ((i * 97) % (DOCS - 1));
  wiki.setPage(String(1000 + page), {
    title: `Page ${page}`,
    parentId: '1000',
    body: `<p>${fact(i + DOCS)}</p>`,
  });
}
await timedSync('confluence', space.id, `${CHANGED} changed`, wikiRequests);
await timedSync('gdrive', folder.id, 'first sync', driveRequests);
await timedSync('gdrive', folder.id, 'no change', driveRequests);
for (let i = 0; i < CHANGED; i++) putFile((i * 97) % DOCS, fact(i + DOCS));
await timedSync('gdrive', folder.id, `${CHANGED} changed`, driveRequests);

console.log(`\n${DOCS} documents per source, local embedder, LanceDB`);
console.log('| kind | sync | time | requests | passages embedded | added/updated/unchanged/removed/failed |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const row of rows) console.log(row);
await sql.close();
await kb.cleanup();
await wiki.stop();
await drive.stop();
await rm(dir, { recursive: true, force: true });
