import { IngestError } from '../core/errors.js';
import type { DocumentPreparer, PreparedDocument } from '../core/ports/document-preparer.js';
import type { Embedder } from '../core/ports/embedder.js';
import { extractDocument } from './extract.js';
import { contextLabel } from './heading-paths.js';
import { limitsFor, tooMuchText } from './limits.js';
import type { OcrReader, OcrSettings } from './ocr/ocr-reader.js';
import { TesseractOcr } from './ocr/tesseract-ocr.js';
import { type ChunkingOptions, splitPassages } from './split.js';

const EMBED_BATCH = 128;

/**
 * The title and headings travel with every passage's vector, so "leave policy" finds a section
 * titled only "Carry-over", and "how do I rotate it?" the passage under "API keys > Rotation".
 */
const embeddingInput = (context: string, text: string) => `${context}\n${text}`;

export async function prepareDocument(
  bytes: Uint8Array,
  source: string,
  chunking: ChunkingOptions,
  embedder?: Embedder,
  ocr?: OcrReader,
): Promise<PreparedDocument> {
  const limits = limitsFor(chunking);
  const extracted = await extractDocument(bytes, source, limits, ocr);
  // The text is already within limits, so splitting it makes a bounded number of strings.
  const passages = await splitPassages(extracted.text, extracted.structured, chunking);
  if (passages.length === 0)
    throw new IngestError('no_text', `${source}: no text to index, only encoded data (such as base64).`);
  if (passages.length > limits.maxPassages) throw tooMuchText(source, limits);
  const { title } = extracted;
  const texts = passages.map((p) => p.text);
  const contexts = passages.map((p) => contextLabel(title, p.headings));
  if (!embedder) return { title, texts, contexts };
  return { title, texts, contexts, vectors: await embedPassages(embedder, contexts, texts) };
}

/** A document's passages, each with its context, as vectors in batches an embeddings endpoint accepts. */
export async function embedPassages(
  embedder: Embedder,
  contexts: string[],
  texts: string[],
): Promise<Float32Array[]> {
  const vectors: Float32Array[] = [];
  for (let i = 0; i < texts.length; i += EMBED_BATCH) {
    const batch = texts.slice(i, i + EMBED_BATCH).map((t, j) => embeddingInput(contexts[i + j] ?? '', t));
    vectors.push(...(await embedder.embedDocuments(batch)));
  }
  return vectors;
}

/**
 * Prepares on the calling thread: for one-off work, tests, and remote embedders. `ocr` is its
 * settings (a Tesseract worker is then started on the first scan) or a reader of its own.
 */
export class InlinePreparer implements DocumentPreparer {
  private readonly ocr?: OcrReader;

  constructor(
    private readonly chunking: ChunkingOptions,
    private readonly embedder: Embedder,
    ocr?: OcrSettings | OcrReader,
  ) {
    this.ocr = ocr && ('recognize' in ocr ? ocr : new TesseractOcr(ocr));
  }

  prepare(bytes: Uint8Array, source: string): Promise<PreparedDocument> {
    return prepareDocument(bytes, source, this.chunking, this.embedder, this.ocr);
  }

  async close(): Promise<void> {
    await this.ocr?.close();
  }
}
