import type { OcrSettings } from '../ocr/ocr-reader.js';
import type { ChunkingOptions } from '../split.js';

export interface PrepareThreadData extends Record<string, unknown> {
  chunking: ChunkingOptions;
  /** Embed with the local embedder here; otherwise the main thread embeds (a remote endpoint). */
  embedLocally: boolean;
  /** Read images and scanned PDF pages with OCR; absent when OCR is off. */
  ocr?: OcrSettings;
}

/** What `prepare` returns across the thread boundary. */
export interface PreparedOnThread {
  title: string;
  texts: string[];
  contexts: string[];
  /** Every passage's vector end to end, so one buffer crosses the thread boundary. */
  vectors?: Float32Array;
}
