import type { Embedder } from './embedder.js';
import { tokenize } from './tokenize.js';

const DIMENSION = 384;
// Character trigrams let "rotate" find "rotation" and survive typos; words and word pairs carry meaning.
const WEIGHTS = { word: 1, bigram: 0.6, trigram: 0.25 } as const;

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function addFeature(vector: Float32Array, feature: string, weight: number): void {
  const h = fnv1a(feature);
  // The top bit picks the sign so colliding features tend to cancel instead of piling up.
  vector[h % DIMENSION] = (vector[h % DIMENSION] ?? 0) + (h & 0x80000000 ? -weight : weight);
}

/**
 * A deterministic feature-hashing embedder: no download, no key, the same vector on every
 * machine. Quality is below a trained model; BM25 fusion makes up most of the gap.
 */
export function embedLocally(text: string): Float32Array {
  const vector = new Float32Array(DIMENSION);
  const tokens = tokenize(text);
  const counts = new Map<string, number>();
  for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
  for (const [token, count] of counts) {
    // Sublinear term frequency: a word repeated ten times is not ten times as relevant.
    const tf = 1 + Math.log(count);
    addFeature(vector, token, WEIGHTS.word * tf);
    const padded = `<${token}>`;
    if (padded.length > 4) {
      for (let i = 0; i + 3 <= padded.length; i++)
        addFeature(vector, padded.slice(i, i + 3), WEIGHTS.trigram * tf);
    }
  }
  for (let i = 0; i + 1 < tokens.length; i++)
    addFeature(vector, `${tokens[i]} ${tokens[i + 1]}`, WEIGHTS.bigram);
  let norm = 0;
  for (const x of vector) norm += x * x;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < DIMENSION; i++) vector[i] = (vector[i] ?? 0) / norm;
  return vector;
}

export class LocalEmbedder implements Embedder {
  readonly id = 'local-hash-v1';
  readonly dimension = DIMENSION;

  async embedDocuments(texts: string[]): Promise<Float32Array[]> {
    return texts.map(embedLocally);
  }

  async embedQuery(text: string): Promise<Float32Array> {
    return embedLocally(text);
  }
}
