// npm run bench:retrieve [-- --sizes 10000,100000,1000000]: tenant-filtered search latency and
// recall@10 of the indexed search against exact (flat) search, at growing table sizes.
// With --data DIR (one size): the passages are kept in DIR, and a later run with the same DIR
// serves them from a fresh process without loading again, which shows what a restarted
// `docent serve` holds in memory rather than what is left over from building.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as lancedb from '@lancedb/lancedb';
import { percentile } from '../src/eval/evaluate.js';
import { embedLocally } from '../src/ingestion/local-embedder.js';
import { LanceVectorStore } from '../src/stores/lance/lance-vector-store.js';
import { loadSyntheticPassages, syntheticQuestions } from './synthetic.js';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000,1000000' },
    queries: { type: 'string', default: '200' },
    data: { type: 'string' },
  },
});
const TENANTS = 10;
const QUERIES = Number(values.queries);

// Peak RSS per phase: building the table and its indexes, and serving questions from it.
let peakRss = 0;
setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 100).unref();
function phasePeakRss(): number {
  const peak = Math.max(peakRss, process.memoryUsage().rss);
  peakRss = 0;
  return Math.round(peak / 1024 / 1024);
}

async function run(size: number) {
  const kept = values.data !== undefined;
  const reused = kept && existsSync(path.join(values.data as string, 'documents.lance'));
  const dir = values.data ?? (await mkdtemp(path.join(tmpdir(), 'docent-bench-retrieve-')));
  const identity = { id: 'local-hash-v1', dimension: 384 };
  phasePeakRss();
  const started = performance.now();
  // As in `docent serve`: one connection writes, builds the indexes and loads them into memory,
  // then searches. Questions come from the same vocabulary as the passages.
  const store = await LanceVectorStore.open(dir);
  await store.bindEmbedder(identity);
  if (reused) await store.maintain();
  else await loadSyntheticPassages(store, size, TENANTS);
  const sentence = syntheticQuestions(size);
  const loadAndIndexSeconds = (performance.now() - started) / 1000;
  const buildRss = phasePeakRss();

  const queries = Array.from({ length: QUERIES }, (_, q) => {
    const text = sentence();
    return { text, vector: Array.from(embedLocally(text)), tenantId: `t${q % TENANTS}` };
  });
  // Timed alone: the exact searches for recall scan whole tables, and run after.
  const latencies: number[] = [];
  const hybridLatencies: number[] = [];
  const found: string[][] = [];
  for (const { text, vector, tenantId } of queries) {
    const audience = { tenantId, scopes: ['tenant' as const] };
    let t = performance.now();
    const hits = await store.search({ audience, text, vector, k: 10, mode: 'vector' });
    latencies.push(performance.now() - t);
    found.push(hits.map((h) => h.chunkId));
    t = performance.now();
    await store.search({ audience, text, vector, k: 10 });
    hybridLatencies.push(performance.now() - t);
  }
  const servingRss = phasePeakRss();
  // The slowest questions and where they fell in the run: a tail made of each tenant's first
  // question (10 of 200) is a cold-start effect, a scattered one is not.
  const slowest = (xs: number[]) =>
    xs
      .map((ms, q) => ({ q, ms: Math.round(ms) }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 12);

  const db = await lancedb.connect(dir);
  let recallSum = 0;
  for (const [q, { vector, tenantId }] of queries.entries()) {
    const exactTable = await db.openTable(`chunks__${tenantId}`);
    const exact = await exactTable
      .query()
      .nearestTo(vector)
      .distanceType('cosine')
      .bypassVectorIndex()
      .where(`tenant_id = '${tenantId}' AND scope IN ('tenant')`)
      .select(['chunk_id'])
      .limit(10)
      .toArray();
    exactTable.close();
    const truth = new Set(exact.map((r) => String(r.chunk_id)));
    recallSum += (found[q] ?? []).filter((id) => truth.has(id)).length / Math.max(1, truth.size);
  }
  db.close();
  await store.close();
  if (!kept) await rm(dir, { recursive: true, force: true });
  const round = (x: number) => Number(x.toFixed(2));
  return {
    passages: size,
    tenants: TENANTS,
    ...(reused
      ? { warm_up_s: round(loadAndIndexSeconds) }
      : { load_and_index_s: round(loadAndIndexSeconds) }),
    vector_p50_ms: round(percentile(latencies, 0.5)),
    vector_p95_ms: round(percentile(latencies, 0.95)),
    hybrid_p50_ms: round(percentile(hybridLatencies, 0.5)),
    hybrid_p95_ms: round(percentile(hybridLatencies, 0.95)),
    recall_at_10: Number((recallSum / QUERIES).toFixed(3)),
    ...(reused ? {} : { peak_rss_build_mb: buildRss }),
    peak_rss_serving_mb: servingRss,
    slowest_vector: slowest(latencies),
    slowest_hybrid: slowest(hybridLatencies),
  };
}

const results = [];
for (const size of values.sizes.split(',').map(Number)) {
  results.push(await run(size));
  console.log(JSON.stringify(results.at(-1)));
}
console.table(results.map(({ slowest_vector, slowest_hybrid, ...figures }) => figures));
