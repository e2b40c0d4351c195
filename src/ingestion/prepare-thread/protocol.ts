import type { ChunkingOptions } from '../split.js';

export interface PrepareThreadData {
  chunking: ChunkingOptions;
  /** Embed with the local embedder here; otherwise the main thread embeds (a remote endpoint). */
  embedLocally: boolean;
}

export interface PrepareCall {
  id: number;
  bytes: Uint8Array<ArrayBuffer>;
  source: string;
}

export type PrepareReply =
  | {
      id: number;
      ok: true;
      title: string;
      texts: string[];
      /** Every passage's vector end to end, so one buffer crosses the thread boundary. */
      vectors?: Float32Array;
    }
  | { id: number; ok: false; error: { name: string; code?: string; message: string; transient?: boolean } };
