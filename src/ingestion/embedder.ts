import type { EmbedderIdentity } from '../stores/vector-store.js';

/** Turns text into vectors. Documents and questions must go through the same embedder. */
export interface Embedder extends EmbedderIdentity {
  embedDocuments(texts: string[]): Promise<Float32Array[]>;
  embedQuery(text: string): Promise<Float32Array>;
}
