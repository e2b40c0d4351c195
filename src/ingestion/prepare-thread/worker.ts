// A preparation thread: extracts, splits and embeds documents the main thread sends, so ingestion
// uses every core and the main thread stays free for the store, HTTP and the chat platforms.
import { parentPort, workerData } from 'node:worker_threads';
import { lowerThreadPriority } from '../../threads/lower-priority.js';
import { moving, rpcLink } from '../../threads/rpc.js';
import { LocalEmbedder } from '../local-embedder.js';
import { TesseractOcr } from '../ocr/tesseract-ocr.js';
import { prepareDocument } from '../prepare.js';
import type { PreparedOnThread, PrepareThreadData } from './protocol.js';

if (!parentPort) throw new Error('the preparation thread runs as a worker thread');
const { chunking, embedLocally, ocr: ocrSettings } = workerData as PrepareThreadData;
const embedder = embedLocally ? new LocalEmbedder() : undefined;
// Its Tesseract worker is a thread of this thread's, started on the first scan and ended when idle.
const ocr = ocrSettings && new TesseractOcr(ocrSettings);
lowerThreadPriority();

rpcLink(parentPort, {
  ready: () => undefined,
  prepare: async (bytes: Uint8Array, source: string): Promise<PreparedOnThread> => {
    const { title, texts, contexts, vectors } = await prepareDocument(bytes, source, chunking, embedder, ocr);
    if (!vectors) return { title, texts, contexts };
    const packed = pack(vectors);
    return moving({ title, texts, contexts, vectors: packed }, [packed.buffer]);
  },
});

function pack(vectors: Float32Array[]): Float32Array<ArrayBuffer> {
  const dimension = vectors[0]?.length ?? 0;
  const packed = new Float32Array(vectors.length * dimension);
  vectors.forEach((v, i) => {
    packed.set(v, i * dimension);
  });
  return packed;
}
