import type { EmbedderIdentity } from './vector-store.js';

/** Turns text into vectors. Documents and questions must go through the same embedder. */
export interface Embedder extends EmbedderIdentity {
  embedDocuments(texts: string[]): Promise<Float32Array[]>;
  embedQuery(text: string): Promise<Float32Array>;
}

/** What is wrong with a vector an embedder returned, in words; undefined when it can be stored. */
export function vectorProblem(vector: Float32Array, dimension: number): string | undefined {
  if (vector.length !== dimension)
    return `vectors of ${vector.length} numbers where ${dimension} were expected`;
  // NaN or infinity would poison every distance computed with the vector.
  if (!vector.every(Number.isFinite)) return 'a vector holding values that are not numbers';
  return undefined;
}
