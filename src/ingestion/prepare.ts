import { IngestError } from '../core/errors.js';
import type { DocumentPreparer, PreparedDocument } from '../core/ports/document-preparer.js';
import type { Embedder } from '../core/ports/embedder.js';
import { extractDocument } from './extract.js';
import { limitsFor, tooMuchText } from './limits.js';
import { type ChunkingOptions, splitText } from './split.js';

const EMBED_BATCH = 128;

/** The title travels with every passage's vector so "leave policy" finds a section titled only "Carry-over". */
const embeddingInput = (title: string, text: string) => `${title}\n${text}`;

export async function prepareDocument(
  bytes: Uint8Array,
  source: string,
  chunking: ChunkingOptions,
  embedder?: Embedder,
): Promise<PreparedDocument> {
  const limits = limitsFor(chunking);
  const extracted = await extractDocument(bytes, source, limits);
  // The text is already within limits, so splitting it makes a bounded number of strings.
  const texts = await splitText(extracted.text, extracted.structured, chunking);
  if (texts.length === 0)
    throw new IngestError('no_text', `${source}: no text to index, only encoded data (such as base64).`);
  if (texts.length > limits.maxPassages) throw tooMuchText(source, limits);
  if (!embedder) return { title: extracted.title, texts };
  return { title: extracted.title, texts, vectors: await embedPassages(embedder, extracted.title, texts) };
}

/** A document's passages as vectors, in batches an embeddings endpoint accepts. */
export async function embedPassages(
  embedder: Embedder,
  title: string,
  texts: string[],
): Promise<Float32Array[]> {
  const vectors: Float32Array[] = [];
  for (let i = 0; i < texts.length; i += EMBED_BATCH) {
    const batch = texts.slice(i, i + EMBED_BATCH).map((t) => embeddingInput(title, t));
    vectors.push(...(await embedder.embedDocuments(batch)));
  }
  return vectors;
}

/** Prepares on the calling thread: for one-off work, tests, and remote embedders. */
export class InlinePreparer implements DocumentPreparer {
  constructor(
    private readonly chunking: ChunkingOptions,
    private readonly embedder: Embedder,
  ) {}

  prepare(bytes: Uint8Array, source: string): Promise<PreparedDocument> {
    return prepareDocument(bytes, source, this.chunking, this.embedder);
  }

  async close(): Promise<void> {}
}
