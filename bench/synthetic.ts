import type { VectorStore } from '../src/core/ports/vector-store.js';
import type { Chunk, DocumentRecord } from '../src/core/types.js';
import { embedLocally } from '../src/ingestion/local-embedder.js';
import { rng, sentenceMaker, vocabulary } from './corpus.js';

const DOC_SIZE = 500;

/**
 * Fills a store with `size` generated passages spread over `tenants` tenants, in bounded batches;
 * questions drawn from `syntheticQuestions(seed)` share their vocabulary.
 */
export async function loadSyntheticPassages(
  store: VectorStore,
  size: number,
  tenants: number,
  seed = size,
): Promise<() => string> {
  const sentence = syntheticSentences(seed);
  const writes: Promise<void>[] = [];
  for (let d = 0; d * DOC_SIZE < size; d++) {
    const doc: DocumentRecord = {
      docId: `d${d}`,
      tenantId: `t${d % tenants}`,
      scope: 'tenant',
      source: `doc-${d}.txt`,
      origin: { addedBy: 'cli', addedIn: `doc-${d}.txt`, platform: 'cli' },
      title: `doc ${d}`,
      contentHash: `h${d}`,
      passages: DOC_SIZE,
      embedder: 'local-hash-v1',
      updatedAt: new Date().toISOString(),
    };
    const chunks: Chunk[] = Array.from({ length: Math.min(DOC_SIZE, size - d * DOC_SIZE) }, (_, i) => {
      const text = `${sentence()} ${sentence()} ${sentence()}`;
      return { chunkId: `d${d}-${i}`, position: i, text, vector: embedLocally(text) };
    });
    writes.push(store.replaceDocument(doc, chunks));
    // Bounded in-flight writes keep memory flat however large the table grows.
    if (writes.length >= 8) await Promise.all(writes.splice(0));
  }
  await Promise.all(writes);
  await store.maintain();
  return sentence;
}

/** Sentences from the vocabulary `loadSyntheticPassages` draws on with the same seed. */
export function syntheticSentences(seed: number): () => string {
  const random = rng(seed);
  return sentenceMaker(vocabulary(30_000, random), random);
}

/**
 * Questions in the vocabulary of `loadSyntheticPassages(…, seed)`, but not copies of its
 * sentences: the same questions whether the passages were just written or were written earlier.
 */
export function syntheticQuestions(seed: number): () => string {
  return sentenceMaker(vocabulary(30_000, rng(seed)), rng(seed ^ 0x5bd1e995));
}
