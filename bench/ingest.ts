// npm run bench:ingest [-- --mb 50]: ingest a generated mixed corpus with the local embedder.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createServices } from '../src/composition/services.js';
import { loadConfig } from '../src/config.js';
import { ingestFiles } from '../src/ingestion/ingest-files.js';
import { collectFiles } from '../src/ingestion/local-files.js';
import { writeMixedCorpus } from './corpus.js';

const { values } = parseArgs({ options: { mb: { type: 'string', default: '50' } } });
const root = await mkdtemp(path.join(tmpdir(), 'docent-bench-ingest-'));
const corpusDir = path.join(root, 'corpus');
const bytes = await writeMixedCorpus(corpusDir, Number(values.mb));
const services = await createServices(loadConfig({ DATA_DIR: path.join(root, 'data') }));
const { files } = await collectFiles([corpusDir]);

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 100);
const started = performance.now();
const results = await ingestFiles(services.knowledgeBase, files, { tenantId: 'bench', scope: 'tenant' });
const failed = results.filter((r) => r.status === 'failed');
if (failed.length > 0) throw new Error(`${failed.length} files failed: ${failed[0]?.error?.message}`);
const passages = results.reduce((sum, r) => sum + (r.passages ?? 0), 0);
const ingestSeconds = (performance.now() - started) / 1000;
await services.knowledgeBase.maintain();
const totalSeconds = (performance.now() - started) / 1000;
clearInterval(sampler);
await services.close();
await rm(root, { recursive: true, force: true });

const mb = bytes / 1024 / 1024;
console.log(
  JSON.stringify(
    {
      files: files.length,
      megabytes: Number(mb.toFixed(1)),
      passages,
      seconds_ingest: Number(ingestSeconds.toFixed(1)),
      seconds_with_indexing: Number(totalSeconds.toFixed(1)),
      mb_per_s: Number((mb / ingestSeconds).toFixed(2)),
      passages_per_s: Math.round(passages / ingestSeconds),
      peak_rss_mb: Math.round(peakRss / 1024 / 1024),
    },
    null,
    2,
  ),
);
