/**
 * What full-text search reads for a passage: its context (title and heading path) before its
 * text, so words that only the headings say still find it. Every store indexes this same string.
 */
export function searchableText(context: string, text: string): string {
  return `${`${context}\n`.repeat(CONTEXT_REPEATS)}${text}`;
}

/**
 * How many times the context is said before the text: the weight of headings against the body
 * in BM25. Chosen on the tune parts of `npm run bench:quality` (BENCHMARKS.md).
 */
export const CONTEXT_REPEATS = 1;
