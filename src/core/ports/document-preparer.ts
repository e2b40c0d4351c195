/** A document made ready to store: its title, its passages and, when embedded here, their vectors. */
export interface PreparedDocument {
  title: string;
  texts: string[];
  /**
   * One per passage: where it sits, as "Title > Heading > Subheading". Embedded and full-text
   * indexed with the passage, never shown as part of it.
   */
  contexts: string[];
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
