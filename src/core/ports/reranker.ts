/** One passage's place in a reranker's order: its position in the list given, and its relevance. */
export interface RankedPassage {
  index: number;
  score: number;
}

/**
 * Orders passages by their relevance to a query, most relevant first, the way a cross-encoder
 * does: it reads the query and each passage together, which a vector or a word count cannot.
 * Throws when it cannot rank (unreachable, too slow, an answer it cannot read); the caller then
 * keeps the order it had.
 */
export interface Reranker {
  /** At least `topN` passages (all of them when fewer are given) come back ranked. */
  rerank(query: string, passages: string[], topN: number): Promise<RankedPassage[]>;
}
