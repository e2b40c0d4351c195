// npm run bench:quality: retrieval quality on the labelled set in test/fixtures/eval, for several
// chunk sizes and fusion weights. This is how CHUNK_SIZE and HYBRID_WEIGHTS were chosen.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { KnowledgeBase } from '../src/core/knowledge-base.js';
import { parseEvalCases } from '../src/eval/evaluate.js';
import { ingestFiles } from '../src/ingestion/ingest-files.js';
import { LocalEmbedder } from '../src/ingestion/local-embedder.js';
import { collectFiles } from '../src/ingestion/local-files.js';
import { LanceVectorStore } from '../src/stores/lance-vector-store.js';
import { MemoryVectorStore } from '../src/stores/memory-vector-store.js';
import { hybridFusion } from '../src/stores/rank-fusion.js';

const fixtures = path.resolve('test/fixtures/eval');
const cases = parseEvalCases(await readFile(path.join(fixtures, 'questions.jsonl'), 'utf8'));
const audience = { tenantId: 'eval', scopes: ['tenant' as const] };
const relevant = (source: string, expected: string[]) => expected.includes(path.posix.basename(source));

async function measure(kb: KnowledgeBase, weights: { vector: number; text: number } | 'bm25' | 'vector') {
  let r1 = 0;
  let r5 = 0;
  let mrr = 0;
  for (const c of cases) {
    const byVector = await kb.search(c.question, audience, { k: 20, mode: 'vector' });
    const byText = await kb.search(c.question, audience, { k: 20, mode: 'bm25' });
    const ranked =
      weights === 'bm25'
        ? byText
        : weights === 'vector'
          ? byVector
          : hybridFusion(byVector, byText, (p) => p.chunkId, weights).map((x) => x.item);
    const rank = ranked.findIndex((p) => relevant(p.source, c.sources));
    if (rank === 0) r1++;
    if (rank >= 0 && rank < 5) r5++;
    if (rank >= 0) mrr += 1 / (rank + 1);
  }
  const n = cases.length;
  return { recall_at_1: +(r1 / n).toFixed(3), recall_at_5: +(r5 / n).toFixed(3), mrr: +(mrr / n).toFixed(3) };
}

const { files } = await collectFiles([path.resolve('samples/northwind')]);
const rows: Record<string, unknown>[] = [];
for (const store of ['lancedb', 'memory'] as const) {
  for (const size of store === 'lancedb' ? [500, 800, 1000, 1500] : [500]) {
    const dir = await mkdtemp(path.join(tmpdir(), 'docent-quality-'));
    const embedder = new LocalEmbedder();
    const vectorStore = store === 'lancedb' ? await LanceVectorStore.open(dir) : new MemoryVectorStore();
    await vectorStore.bindEmbedder(embedder);
    const kb = new KnowledgeBase({
      store: vectorStore,
      embedder,
      chunking: { size, overlap: Math.round(size / 10) },
      maxFileBytes: 1 << 25,
      topK: 5,
    });
    await ingestFiles(kb, files, { tenantId: 'eval', scope: 'tenant' });
    for (const weights of [
      'bm25',
      'vector',
      { vector: 1, text: 1 },
      { vector: 0.6, text: 1 },
      { vector: 0.4, text: 1 },
      { vector: 0.3, text: 1 },
    ] as const) {
      const label = typeof weights === 'string' ? weights : `hybrid v${weights.vector}/t${weights.text}`;
      rows.push({ store, chunk_size: size, retrieval: label, ...(await measure(kb, weights)) });
    }
    await vectorStore.close();
    await rm(dir, { recursive: true, force: true });
  }
}
console.table(rows);
