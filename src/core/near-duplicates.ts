// The same paragraph pasted into several files (a shared disclaimer, a setup step copied into
// every runbook) would otherwise fill the top results with one answer several times over and
// push the other answers out.

/**
 * Passages whose word-trigram sets overlap at least this much (Jaccard) say the same thing.
 * Measured on the passages of bench/quality-sets, pairs from different files: the same paragraph
 * cut at another place or with a word changed scored 0.69 to 1 (a review rule in two guides,
 * 0.72; a security note in two API pages, 0.69); different code examples built on the same
 * boilerplate scored up to 0.63, and must both stay.
 */
export const NEAR_DUPLICATE_JACCARD = 0.65;
const SHINGLE_WORDS = 3;

const WORD = /[\p{L}\p{N}]+/gu;

/** The passage's runs of three consecutive words, case and punctuation aside. */
export function wordShingles(text: string): Set<string> {
  const words = text.toLowerCase().match(WORD) ?? [];
  if (words.length < SHINGLE_WORDS) return new Set([words.join(' ')]);
  const shingles = new Set<string>();
  for (let i = 0; i + SHINGLE_WORDS <= words.length; i++)
    shingles.add(words.slice(i, i + SHINGLE_WORDS).join(' '));
  return shingles;
}

export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let shared = 0;
  for (const s of small) if (large.has(s)) shared++;
  const union = a.size + b.size - shared;
  return union === 0 ? 1 : shared / union;
}

/**
 * `ranked` (best first) without the passages that repeat a better-ranked one: of each group of
 * near-duplicates only the best-ranked source stays. Stops once `limit` are kept.
 */
export function collapseNearDuplicates<T>(
  ranked: readonly T[],
  textOf: (item: T) => string,
  limit = ranked.length,
  threshold = NEAR_DUPLICATE_JACCARD,
): T[] {
  const kept: { item: T; shingles: Set<string> }[] = [];
  for (const item of ranked) {
    if (kept.length >= limit) break;
    const shingles = wordShingles(textOf(item));
    if (kept.some((k) => jaccard(k.shingles, shingles) >= threshold)) continue;
    kept.push({ item, shingles });
  }
  return kept.map((k) => k.item);
}
