// npm run bench:sync -- --kind github: a `github` source over a fake repository of 5,000 Markdown
// files on 127.0.0.1 (GitHub's REST API through @octokit/rest), into LanceDB with the local
// embedder: the first sync, then one at the same head commit. `--files N` for another size.
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
import { FakeGithubApi } from '../test/fakes/github-api.js';
import { tempLanceKnowledgeBase } from '../test/helpers/temp-kb.js';

const argument = process.argv.indexOf('--files');
const FILES = argument > 0 ? Number(process.argv[argument + 1]) : 5000;

const github = await new FakeGithubApi().start();
for (let i = 0; i < FILES; i++)
  github.files.set(
    `docs/section-${i % 50}/page-${i}.md`,
    `# Handbook page ${i}\n\nProcedure ${i}: file form ${i * 7} with team ${i % 40}.\n`,
  );

const dir = await mkdtemp(path.join(tmpdir(), 'docent-bench-sync-github-'));
const kb = await tempLanceKnowledgeBase();
const sql = await DuckDbClient.open(path.join(dir, 'sources.duckdb'));
const config = loadConfig({ DATA_DIR: dir, GITHUB_API_URL: github.url, SOURCE_MAX_PAGES: String(FILES) });
const store = await SqlSourceStore.open(sql);
const kinds = sourceKinds(config).filter((kind) => kind.kind === 'github');
const { secretsDir } = config.sources;
const sources = new Sources({
  store,
  kinds,
  knowledgeBase: kb.kb,
  readSecret: (ref) => readSecret(ref, secretsDir),
  secretsDir,
  retryBaseMs: 60_000,
});
const source = await sources.add({ tenantId: 'bench', kind: 'github', target: 'acme/handbook/docs' });

const rows: string[] = [];
async function timedSync(label: string) {
  github.take();
  const embeddedBefore = kb.embedder.embedded;
  const started = performance.now();
  const state = (await sources.sync(source.id))?.state;
  const seconds = (performance.now() - started) / 1000;
  const requests = github.take().length;
  const c = state?.counts;
  rows.push(
    `| ${label} | ${seconds.toFixed(1)} s | ${requests} | ${kb.embedder.embedded - embeddedBefore} | ${c?.added}/${c?.unchanged}/${c?.failed} |`,
  );
  console.log(rows.at(-1));
}

await timedSync('first sync');
await timedSync('no change');

const table = [
  `${FILES} files, 4 requests at a time, local embedder, LanceDB`,
  '| sync | time | requests | passages embedded | added/unchanged/failed |',
  '| --- | --- | --- | --- | --- |',
  ...rows,
];
console.log(`\n${table.join('\n')}`);
await Promise.all([sql.close(), kb.cleanup(), github.stop()]);
await rm(dir, { recursive: true, force: true });
