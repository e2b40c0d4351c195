import { BoundedMap } from '../stores/trim-oldest.js';
import type { Embedder } from './embedder.js';
import { tokenize } from './tokenize.js';

const DIMENSION = 384;
// Character trigrams let "rotate" find "rotation" and survive typos; words and word pairs carry meaning.
const WEIGHTS = { word: 1, bigram: 0.6, trigram: 0.25 } as const;

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const SPACE = 0x20;

/** FNV-1a over `text`, continuing from `h`: a pair's hash continues from its first word's. */
function fnv1a(text: string, h = FNV_OFFSET): number {
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return h;
}

/**
 * Where a feature lands: its slot, negated (and shifted off zero) when the hash's top bit is set,
 * so colliding features tend to cancel instead of piling up.
 */
function signedSlot(h: number): number {
  const unsigned = h >>> 0;
  const slot = unsigned % DIMENSION;
  return unsigned & 0x80000000 ? -(slot + 1) : slot + 1;
}

/** A token's features: its own hash state (for pairs), its word slot, its trigram slots. */
interface TokenFeatures {
  token: string;
  state: number;
  word: number;
  trigrams: Int16Array;
}

function featuresOf(token: string): TokenFeatures {
  const padded = `<${token}>`;
  const trigrams = new Int16Array(padded.length > 4 ? padded.length - 2 : 0);
  for (let i = 0; i < trigrams.length; i++) trigrams[i] = signedSlot(fnv1a(padded.slice(i, i + 3)));
  const state = fnv1a(token);
  return { token, state, word: signedSlot(state), trigrams };
}

// Documents share most of their words: a word's hashes are worked out once, not per passage.
// Same vectors as hashing every feature afresh, ~15% faster on the generated corpus.
const knownTokens = new BoundedMap<string, TokenFeatures>(100_000);

function tokenFeatures(token: string): TokenFeatures {
  let features = knownTokens.get(token);
  if (!features) {
    features = featuresOf(token);
    knownTokens.set(token, features);
  }
  return features;
}

function add(vector: Float32Array, signed: number, weight: number): void {
  if (signed > 0) vector[signed - 1] = (vector[signed - 1] ?? 0) + weight;
  else vector[-signed - 1] = (vector[-signed - 1] ?? 0) - weight;
}

/**
 * A deterministic feature-hashing embedder: no download, no key, the same vector on every
 * machine. Quality is below a trained model; BM25 fusion makes up most of the gap.
 */
export function embedLocally(text: string): Float32Array {
  const vector = new Float32Array(DIMENSION);
  const tokens = tokenize(text).map(tokenFeatures);
  // Keyed by the features object, one per distinct token: counted in order of first appearance.
  const counts = new Map<TokenFeatures, number>();
  for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
  for (const [features, count] of counts) {
    // Sublinear term frequency: a word repeated ten times is not ten times as relevant.
    const tf = 1 + Math.log(count);
    add(vector, features.word, WEIGHTS.word * tf);
    const trigramWeight = WEIGHTS.trigram * tf;
    for (const slot of features.trigrams) add(vector, slot, trigramWeight);
  }
  for (let i = 0; i + 1 < tokens.length; i++) {
    const first = (tokens[i] as TokenFeatures).state;
    const pair = fnv1a((tokens[i + 1] as TokenFeatures).token, Math.imul(first ^ SPACE, FNV_PRIME));
    add(vector, signedSlot(pair), WEIGHTS.bigram);
  }
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
