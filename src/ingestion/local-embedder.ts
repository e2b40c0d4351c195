import type { Embedder } from '../core/ports/embedder.js';
import { tokenFor, tokenize } from '../core/tokenize.js';

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
  /** Which passage last counted this token, and how often it appeared there (see embedLocally). */
  countedIn: number;
  count: number;
}

function featuresOf(token: string): TokenFeatures {
  const padded = `<${token}>`;
  const trigrams = new Int16Array(padded.length > 4 ? padded.length - 2 : 0);
  for (let i = 0; i < trigrams.length; i++) trigrams[i] = signedSlot(fnv1a(padded.slice(i, i + 3)));
  const state = fnv1a(token);
  return { token, state, word: signedSlot(state), trigrams, countedIn: 0, count: 0 };
}

/** What a word (as written, lower-cased) becomes: its token's features, or null for a stopword. */
interface KnownWord {
  word: string;
  features: TokenFeatures | null;
}

// Documents share most of their words: a word's hashes are worked out once, not per passage.
// Known ASCII words are keyed by their FNV-1a hash, worked out while scanning, so a known word
// costs no substring and no string hashing; the word is kept to tell two words with one hash apart.
const knownTokens = new Map<string, TokenFeatures>();
const knownAsciiWords = new Map<number, KnownWord>();
const MAX_KNOWN = 100_000;

/**
 * Called between passages: both are forgotten together, and never within a passage, so a token
 * has one features object while its passage is counted.
 */
function forgetIfFull(): void {
  if (knownTokens.size + knownAsciiWords.size < MAX_KNOWN) return;
  knownTokens.clear();
  knownAsciiWords.clear();
}

function tokenFeatures(token: string): TokenFeatures {
  let features = knownTokens.get(token);
  if (!features) {
    features = featuresOf(token);
    knownTokens.set(token, features);
  }
  return features;
}

const isAsciiWordChar = (c: number) => (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90);

/** Whether `text[start, end)`, lower-cased, is `word`. */
function spells(text: string, start: number, end: number, word: string): boolean {
  if (word.length !== end - start) return false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 65 && c <= 90 ? c + 32 : c) !== word.charCodeAt(i - start)) return false;
  }
  return true;
}

function asciiWordFeatures(text: string, start: number, end: number, hash: number): TokenFeatures | null {
  const key = hash & 0x3fffffff; // a small integer: no boxed number per lookup
  const known = knownAsciiWords.get(key);
  if (known && spells(text, start, end, known.word)) return known.features;
  const word = text.slice(start, end).toLowerCase();
  // Not tokenize's memo: this word is remembered here, by its hash.
  const token = tokenFor(word);
  const features = token ? tokenFeatures(token) : null;
  if (!known) knownAsciiWords.set(key, { word, features });
  return features;
}

/**
 * `tokenize(text).map(tokenFeatures)` for text that is all ASCII, in one pass over its characters.
 * In ASCII, lower-casing maps A-Z to a-z one for one and a word is a run of [a-z0-9], so both give
 * the same tokens; other text needs Unicode's rules (lengths change, Greek sigma depends on context).
 */
function asciiTokens(text: string): TokenFeatures[] {
  const out: TokenFeatures[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    let c = text.charCodeAt(i);
    if (!isAsciiWordChar(c)) {
      i++;
      continue;
    }
    const start = i;
    let hash = FNV_OFFSET;
    do {
      hash = Math.imul(hash ^ (c >= 65 && c <= 90 ? c + 32 : c), FNV_PRIME);
      c = text.charCodeAt(++i);
    } while (i < n && isAsciiWordChar(c));
    const features = asciiWordFeatures(text, start, i, hash);
    if (features) out.push(features);
  }
  return out;
}

const NON_ASCII = /[\u0080-\uffff]/;

function tokensOf(text: string): TokenFeatures[] {
  forgetIfFull();
  return NON_ASCII.test(text) ? tokenize(text).map(tokenFeatures) : asciiTokens(text);
}

function add(vector: Float32Array, signed: number, weight: number): void {
  if (signed > 0) vector[signed - 1] = (vector[signed - 1] ?? 0) + weight;
  else vector[-signed - 1] = (vector[-signed - 1] ?? 0) - weight;
}

/**
 * A deterministic feature-hashing embedder: no download, no key, the same vector on every
 * machine. Quality is below a trained model; BM25 fusion makes up most of the gap.
 */
let passagesEmbedded = 0;

export function embedLocally(text: string): Float32Array {
  const vector = new Float32Array(DIMENSION);
  const tokens = tokensOf(text);
  // Distinct tokens in order of first appearance, each counted on its own features object (one per
  // token on this thread): cheaper than a Map, which cost a third of the embedding time.
  const passage = ++passagesEmbedded;
  const distinct: TokenFeatures[] = [];
  for (const t of tokens) {
    if (t.countedIn === passage) t.count++;
    else {
      t.countedIn = passage;
      t.count = 1;
      distinct.push(t);
    }
  }
  for (const features of distinct) {
    // Sublinear term frequency: a word repeated ten times is not ten times as relevant.
    const tf = 1 + Math.log(features.count);
    add(vector, features.word, WEIGHTS.word * tf);
    const trigramWeight = WEIGHTS.trigram * tf;
    const trigrams = features.trigrams;
    for (let j = 0; j < trigrams.length; j++) add(vector, trigrams[j] as number, trigramWeight);
  }
  for (let i = 0; i + 1 < tokens.length; i++) {
    const first = (tokens[i] as TokenFeatures).state;
    const pair = fnv1a((tokens[i + 1] as TokenFeatures).token, Math.imul(first ^ SPACE, FNV_PRIME));
    add(vector, signedSlot(pair), WEIGHTS.bigram);
  }
  // Indexed loops: iterating the typed array with for-of took a fifth of the embedding time.
  let norm = 0;
  for (let i = 0; i < DIMENSION; i++) {
    const x = vector[i] as number;
    norm += x * x;
  }
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < DIMENSION; i++) vector[i] = (vector[i] as number) / norm;
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
