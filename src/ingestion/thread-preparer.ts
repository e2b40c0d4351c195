import { Worker } from 'node:worker_threads';
import { type ErrorCode, IngestError } from '../errors.js';
import type { Embedder } from './embedder.js';
import { LocalEmbedder } from './local-embedder.js';
import { type DocumentPreparer, embedPassages, InlinePreparer, type PreparedDocument } from './prepare.js';
import type { PrepareCall, PrepareReply, PrepareThreadData } from './prepare-thread/protocol.js';
import type { ChunkingOptions } from './split.js';

const PREPARE_THREAD_ENTRY = new URL('./prepare-thread/boot.js', import.meta.url);
// Extraction and splitting make many short-lived strings: a larger young generation collects them
// in fewer, cheaper passes.
const THREAD_YOUNG_MB = 64;

interface Waiting {
  source: string;
  resolve(reply: PrepareReply): void;
  reject(error: Error): void;
}

/** One preparation thread and the documents it holds. */
class PrepareThread {
  readonly waiting = new Map<number, Waiting>();
  readonly worker: Worker;
  /** Its modules are loaded and it takes documents. */
  ready = false;
  exited = false;
  /** Settles when it is ready, or fails if it stops first. */
  readonly started: Promise<void>;

  constructor(data: PrepareThreadData) {
    this.worker = new Worker(PREPARE_THREAD_ENTRY, {
      workerData: data,
      resourceLimits: { maxYoungGenerationSizeMb: THREAD_YOUNG_MB },
    });
    let started!: () => void;
    let failed!: (error: Error) => void;
    this.started = new Promise((resolve, reject) => {
      started = resolve;
      failed = reject;
    });
    this.started.catch(() => {});
    // An idle thread must not keep a finished `docent ingest` alive; a busy one must.
    this.worker.unref();
    this.worker.on('message', (reply: PrepareReply | 'ready') => {
      if (reply === 'ready') {
        this.ready = true;
        started();
        return;
      }
      const waiting = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if (this.waiting.size === 0) this.worker.unref();
      waiting?.resolve(reply);
    });
    this.worker.on('error', () => {});
    this.worker.on('exit', (code) => {
      this.exited = true;
      failed(new Error(`the ingestion thread stopped before it was ready (exit code ${code})`));
      for (const { source, reject } of this.waiting.values())
        reject(new IngestError('unreadable', `${source}: reading the file stopped the ingestion thread.`));
      this.waiting.clear();
    });
  }

  send(call: PrepareCall, waiting: Waiting): void {
    if (this.waiting.size === 0) this.worker.ref();
    this.waiting.set(call.id, waiting);
    this.worker.postMessage(call, [call.bytes.buffer]);
  }
}

/**
 * Prepares documents on worker threads, each taking the next document when the main thread hands
 * it over (the ready thread with the fewest in hand). Until a thread is ready (loading the
 * extractors takes about a second), documents are prepared on the calling thread, so a short
 * `docent ingest` does not wait for threads it hardly needs. A thread that dies fails only the
 * documents it held and is replaced by the next call.
 */
export class ThreadPreparer implements DocumentPreparer {
  private readonly threads: (PrepareThread | undefined)[];
  private readonly inline: InlinePreparer;
  private readonly data: PrepareThreadData;
  private nextId = 0;
  /** A thread stopped before it was ready: it cannot start here, so documents stay on this thread. */
  private cannotStart = false;

  constructor(
    chunking: ChunkingOptions,
    private readonly embedder: Embedder,
    threads: number,
  ) {
    this.threads = new Array(Math.max(1, threads)).fill(undefined);
    this.inline = new InlinePreparer(chunking, embedder);
    // The local embedder is deterministic, so the threads' copies give the very vectors it would.
    this.data = { chunking, embedLocally: embedder.id === new LocalEmbedder().id };
  }

  /** Starts the threads now (a service does, so its first shared file finds them ready). */
  start(): void {
    if (this.cannotStart) return;
    for (let i = 0; i < this.threads.length; i++) {
      const current = this.threads[i];
      if (current && !current.exited) continue;
      const thread = new PrepareThread(this.data);
      thread.started.catch(() => {
        this.cannotStart = true;
      });
      this.threads[i] = thread;
    }
  }

  /** Resolves once every thread takes documents; throws if one cannot start. */
  async ready(): Promise<void> {
    this.start();
    await Promise.all(this.threads.map((t) => t?.started));
  }

  async prepare(bytes: Uint8Array, source: string): Promise<PreparedDocument> {
    this.start();
    const ready = this.threads.filter((t): t is PrepareThread => t?.ready === true && !t.exited);
    if (ready.length === 0) return this.inline.prepare(bytes, source);
    const thread = ready.reduce((best, t) => (t.waiting.size < best.waiting.size ? t : best));
    // The buffer moves to the thread: a copy keeps the caller's bytes (and any view sharing them) intact.
    const call: PrepareCall = { id: this.nextId++, bytes: bytes.slice(), source };
    const reply = await new Promise<PrepareReply>((resolve, reject) =>
      thread.send(call, { source, resolve, reject }),
    );
    if (!reply.ok) throw restored(reply.error);
    const { title, texts } = reply;
    if (!reply.vectors) return { title, texts, vectors: await embedPassages(this.embedder, title, texts) };
    const dimension = texts.length > 0 ? reply.vectors.length / texts.length : 0;
    const packed = reply.vectors;
    const vectors = texts.map((_, i) => packed.subarray(i * dimension, (i + 1) * dimension));
    return { title, texts, vectors };
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((t) => t?.worker.terminate()));
  }
}

/** An error from a thread, rebuilt: an `IngestError` keeps its code, so the user hears the same reason. */
function restored(error: { name: string; code?: string; message: string; transient?: boolean }): Error {
  if (error.name === 'IngestError' && error.code)
    return new IngestError(error.code as ErrorCode, error.message, { transient: error.transient ?? false });
  const plain = new Error(error.message);
  plain.name = error.name;
  return plain;
}
