// A preparation thread: extracts, splits and embeds documents the main thread sends, so ingestion
// uses every core and the main thread stays free for the store, HTTP and the chat platforms.
import { parentPort, workerData } from 'node:worker_threads';
import { lowerThreadPriority } from '../../lower-thread-priority.js';
import { LocalEmbedder } from '../local-embedder.js';
import { prepareDocument } from '../prepare.js';
import type { PrepareCall, PrepareReply, PrepareThreadData } from './protocol.js';

if (!parentPort) throw new Error('the preparation thread runs as a worker thread');
const port = parentPort;
const { chunking, embedLocally } = workerData as PrepareThreadData;
const embedder = embedLocally ? new LocalEmbedder() : undefined;
lowerThreadPriority();

port.on('message', async ({ id, bytes, source }: PrepareCall) => {
  try {
    const { title, texts, vectors } = await prepareDocument(bytes, source, chunking, embedder);
    const packed = vectors ? pack(vectors) : undefined;
    const reply: PrepareReply = { id, ok: true, title, texts, ...(packed ? { vectors: packed } : {}) };
    port.postMessage(reply, packed ? [packed.buffer] : []);
  } catch (error) {
    const e = error as { name?: string; code?: string; message?: string; transient?: boolean };
    const reply: PrepareReply = {
      id,
      ok: false,
      error: {
        name: e.name ?? 'Error',
        code: e.code,
        message: e.message ?? String(error),
        transient: e.transient,
      },
    };
    port.postMessage(reply);
  }
});

function pack(vectors: Float32Array[]): Float32Array<ArrayBuffer> {
  const dimension = vectors[0]?.length ?? 0;
  const packed = new Float32Array(vectors.length * dimension);
  vectors.forEach((v, i) => {
    packed.set(v, i * dimension);
  });
  return packed;
}

port.postMessage('ready');
