// `npm run bench:quality -- --sweep`: retrieval on the tune parts only (and on Northwind, which
// was tuned on from the start) for other chunk sizes and fusion weights than the defaults. This
// is where CHUNK_SIZE and HYBRID_WEIGHTS may be chosen; the held-out parts are never read here.

import { hybridFusion } from '../src/core/rank-fusion.js';
import { isRelevant } from '../src/eval/cases.js';
import { summarize } from '../src/eval/evaluate.js';
import { loadSet, SETS, TENANT } from './quality-harness.js';

const CHUNK_SIZES = [300, 500, 800, 1200];
const WEIGHTS = [
  { vector: 0.2, text: 1 },
  { vector: 0.4, text: 1 },
  { vector: 0.6, text: 1 },
  { vector: 1, text: 1 },
];
const audience = { tenantId: TENANT, scopes: ['tenant' as const] };

export async function sweep(): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for (const set of SETS) {
    for (const size of CHUNK_SIZES) {
      const loaded = await loadSet(set, { CHUNK_SIZE: String(size), CHUNK_OVERLAP: String(size / 10) });
      const kb = loaded.services.knowledgeBase;
      const tuning = loaded.cases.filter((c) => c.part !== 'held-out');
      // Both rankings as deep as a hybrid search reads them, fused here with each weighting.
      const depth = Math.max(kb.topK * 4, 20);
      const rankings = [];
      for (const c of tuning) {
        const byVector = await kb.search(c.question, audience, { k: depth, mode: 'vector' });
        const byText = await kb.search(c.question, audience, { k: depth, mode: 'bm25' });
        rankings.push({ c, byVector, byText });
      }
      for (const weights of WEIGHTS) {
        const outcomes = rankings.map(({ c, byVector, byText }) => {
          const top = hybridFusion(byVector, byText, (p) => p.chunkId, weights).slice(0, kb.topK);
          return { rank: top.findIndex(({ item }) => isRelevant(item, c.sources)), searchMs: 0 };
        });
        const { questions, recall_at_1, recall_at_5, mrr } = summarize(outcomes, 'hybrid', kb.topK);
        const fusion = `v${weights.vector}/t${weights.text}`;
        rows.push({ set: set.name, chunk_size: size, fusion, questions, recall_at_1, recall_at_5, mrr });
      }
      await loaded.close();
    }
  }
  return rows;
}
