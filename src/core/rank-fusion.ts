/**
 * How much each retriever's ranking counts in hybrid search. BM25 is the stronger signal for
 * the local embedder; vectors add recall for paraphrases and typos. Chosen on the tune parts of
 * the quality sets with `npm run bench:quality -- --sweep` (0.2 against 0.4, 0.6 and 1: summed
 * tune MRR 2.802, 2.785, 2.769, 2.760, with passages searched with their headings); BENCHMARKS.md.
 */
export const HYBRID_WEIGHTS: Readonly<{ vector: number; text: number }> = { vector: 0.2, text: 1 };
export const RRF_K = 60;

/** Weighted reciprocal-rank fusion: robust to the incomparable scales of cosine and BM25 scores. */
export function reciprocalRankFusion<T>(
  lists: { items: T[]; weight: number }[],
  key: (item: T) => string,
  k = RRF_K,
): { item: T; score: number }[] {
  const fused = new Map<string, { item: T; score: number }>();
  for (const { items, weight } of lists) {
    items.forEach((item, rank) => {
      const id = key(item);
      const entry = fused.get(id) ?? { item, score: 0 };
      entry.score += weight / (k + rank + 1);
      fused.set(id, entry);
    });
  }
  return [...fused.values()].sort((a, b) => b.score - a.score);
}

export function hybridFusion<T>(
  byVector: T[],
  byText: T[],
  key: (item: T) => string,
  weights = HYBRID_WEIGHTS,
) {
  return reciprocalRankFusion(
    [
      { items: byVector, weight: weights.vector },
      { items: byText, weight: weights.text },
    ],
    key,
  );
}
