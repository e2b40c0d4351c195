import type { RankedPassage, Reranker } from './ports/reranker.js';
import type { Passage } from './types.js';

export interface Reranking {
  reranker: Reranker;
  /** Passages fetched from the store for the reranker to order; the best `k` of them are kept. */
  candidates: number;
  /** Told why a search kept the fused order; the search itself goes on. */
  onError(error: unknown): void;
}

/** Thrown for an order that is not one: an index outside the list, one given twice, too few. */
export class RerankOrderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RerankOrderError';
  }
}

/**
 * The best `k` passages in the reranker's order, scored by it. Any failure (the reranker's own,
 * or an order that does not fit the passages) keeps the fused order: a reranker makes answers
 * better when it works and must never make them fail.
 */
export async function rerankPassages(
  question: string,
  passages: Passage[],
  k: number,
  reranking: Reranking,
): Promise<Passage[]> {
  if (passages.length < 2) return passages.slice(0, k);
  const wanted = Math.min(k, passages.length);
  try {
    const ranked = await reranking.reranker.rerank(
      question,
      passages.map((p) => p.text),
      wanted,
    );
    return checkedOrder(ranked, passages.length, wanted).map(({ index, score }) => ({
      ...(passages[index] as Passage),
      score,
    }));
  } catch (error) {
    reranking.onError(error);
    return passages.slice(0, k);
  }
}

function checkedOrder(ranked: RankedPassage[], count: number, wanted: number): RankedPassage[] {
  const best = ranked.slice(0, wanted);
  if (best.length < wanted)
    throw new RerankOrderError(`ranked ${best.length} passages of the ${wanted} asked`);
  const seen = new Set<number>();
  for (const { index } of best) {
    if (!Number.isInteger(index) || index < 0 || index >= count)
      throw new RerankOrderError(`ranked passage ${index}, but only ${count} were given`);
    if (seen.has(index)) throw new RerankOrderError(`ranked passage ${index} twice`);
    seen.add(index);
  }
  return best;
}
