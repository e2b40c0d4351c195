import { IngestError } from '../errors.js';
import type { Embedder } from './embedder.js';
import { extractDocument } from './extract.js';
import { limitsFor, tooMuchText } from './limits.js';
import { type ChunkingOptions, splitText } from './split.js';

/** A document made ready to store: its title, its passages and, when embedded here, their vectors. */
export interface PreparedDocument {
  title: string;
  texts: string[];
  /** One per passage; absent when the embedder runs elsewhere (a remote endpoint). */
  vectors?: Float32Array[];
}

/**
 * Extract → split → embed: the CPU-heavy part of ingestion, with no store in reach, so it can
 * run on another thread. Throws an `IngestError` for a file that cannot be read.
 */
export interface DocumentPreparer {
  prepare(bytes: Uint8Array, source: string): Promise<PreparedDocument>;
  close(): Promise<void>;
}

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
