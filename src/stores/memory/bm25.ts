import { tokenize } from '../../core/tokenize.js';

/** Okapi BM25 over an in-memory candidate set; used by the memory twin of the vector store. */
export function bm25Rank<T>(
  docs: T[],
  textOf: (doc: T) => string,
  query: string,
  k1 = 1.2,
  b = 0.75,
): { doc: T; score: number }[] {
  const terms = [...new Set(tokenize(query))];
  if (terms.length === 0 || docs.length === 0) return [];
  const tokenized = docs.map((d) => tokenize(textOf(d)));
  const avgLen = tokenized.reduce((sum, t) => sum + t.length, 0) / docs.length || 1;
  const df = new Map<string, number>();
  for (const tokens of tokenized) for (const t of new Set(tokens)) df.set(t, (df.get(t) ?? 0) + 1);
  const scored: { doc: T; score: number }[] = [];
  tokenized.forEach((tokens, i) => {
    const tf = new Map<string, number>();
    for (const t of tokens) tf.set(t, (tf.get(t) ?? 0) + 1);
    let score = 0;
    for (const term of terms) {
      const f = tf.get(term);
      if (!f) continue;
      const n = df.get(term) ?? 0;
      const idf = Math.log(1 + (docs.length - n + 0.5) / (n + 0.5));
      score += (idf * f * (k1 + 1)) / (f + k1 * (1 - b + (b * tokens.length) / avgLen));
    }
    if (score > 0) scored.push({ doc: docs[i] as T, score });
  });
  return scored.sort((a, b2) => b2.score - a.score);
}
