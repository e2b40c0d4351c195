import type { Worker } from 'node:worker_threads';
import { type ErrorCode, IngestError } from '../core/errors.js';
import type { DocumentPreparer, PreparedDocument } from '../core/ports/document-preparer.js';
import type { Embedder } from '../core/ports/embedder.js';
import { type RemoteError, type RpcLink, rpcLink } from '../threads/rpc.js';
import { startThread } from '../threads/start-thread.js';
import { LocalEmbedder } from './local-embedder.js';
import type { OcrReader, OcrSettings } from './ocr/ocr-reader.js';
import { embedPassages, InlinePreparer } from './prepare.js';
import type { PreparedOnThread, PrepareThreadData } from './prepare-thread/protocol.js';
import type { ChunkingOptions } from './split.js';

const PREPARE_THREAD_MODULE = new URL('./prepare-thread/worker.js', import.meta.url);
// Extraction and splitting make many short-lived strings: a larger young generation collects them
// in fewer, cheaper passes.
const THREAD_YOUNG_MB = 64;

/** Why a document's preparation ended: its thread stopped while holding it. */
class ThreadStopped extends Error {}

/** Raised on the calling thread by a document that needs OCR, which only the threads run. */
class NeedsOcrThread extends Error {}

/** The calling thread's stand-in for OCR: a scan found there is handed to a thread instead. */
class OcrOnThreads implements OcrReader {
  constructor(readonly settings: OcrSettings) {}

  recognize(): Promise<string> {
    throw new NeedsOcrThread('this document is read with OCR on an ingestion thread');
  }

  async close(): Promise<void> {}
}

/** One preparation thread and the documents it holds. */
class PrepareThread {
  private readonly worker: Worker;
  private readonly link: RpcLink;
  /** Its modules are loaded and it takes documents. */
  ready = false;
  exited = false;
  /** Settles when it is ready, or fails if it stops first. */
  readonly started: Promise<void>;

  constructor(data: PrepareThreadData) {
    this.worker = startThread(PREPARE_THREAD_MODULE, data, {
      resourceLimits: { maxYoungGenerationSizeMb: THREAD_YOUNG_MB },
    });
    this.link = rpcLink(this.worker, {});
    // Answered once its modules have loaded (calls wait in the channel until then).
    this.started = this.link.call<void>('ready').then(() => {
      this.ready = true;
    });
    this.started.catch(() => {});
    // An idle thread must not keep a finished `docent ingest` alive; a busy one must.
    this.worker.unref();
    this.worker.on('error', () => {});
    this.worker.on('exit', (code) => {
      this.exited = true;
      this.link.failPending(new ThreadStopped(`the ingestion thread stopped (exit code ${code})`));
    });
  }

  /** Documents it holds now. */
  get load(): number {
    return this.link.inFlight;
  }

  async prepare(bytes: Uint8Array<ArrayBuffer>, source: string): Promise<PreparedOnThread> {
    if (this.link.inFlight === 0) this.worker.ref();
    try {
      return await this.link.callMoving<PreparedOnThread>([bytes.buffer], 'prepare', bytes, source);
    } finally {
      if (this.link.inFlight === 0) this.worker.unref();
    }
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
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
  /** A thread stopped before it was ready: it cannot start here, so documents stay on this thread. */
  private cannotStart = false;

  constructor(
    chunking: ChunkingOptions,
    private readonly embedder: Embedder,
    threads: number,
    ocr?: OcrSettings,
  ) {
    this.threads = new Array(Math.max(1, threads)).fill(undefined);
    this.inline = new InlinePreparer(chunking, embedder, ocr && new OcrOnThreads(ocr));
    // The local embedder is deterministic, so the threads' copies give the very vectors it would.
    this.data = { chunking, embedLocally: embedder.id === new LocalEmbedder().id, ocr };
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
    let ready = this.readyThreads();
    if (ready.length === 0) {
      try {
        return await this.inline.prepare(bytes, source);
      } catch (error) {
        if (!(error instanceof NeedsOcrThread)) throw error;
      }
      await this.ready();
      ready = this.readyThreads();
    }
    const thread = ready.reduce<PrepareThread | undefined>(
      (best, t) => (best && best.load <= t.load ? best : t),
      undefined,
    );
    if (!thread) throw new IngestError('unreadable', `${source}: no ingestion thread is running to read it.`);
    let prepared: PreparedOnThread;
    try {
      // The buffer moves to the thread: a copy keeps the caller's bytes (and any view sharing them) intact.
      prepared = await thread.prepare(bytes.slice(), source);
    } catch (error) {
      throw restored(error, source);
    }
    const { title, texts, contexts } = prepared;
    if (!prepared.vectors)
      return { title, texts, contexts, vectors: await embedPassages(this.embedder, contexts, texts) };
    const dimension = texts.length > 0 ? prepared.vectors.length / texts.length : 0;
    const packed = prepared.vectors;
    const vectors = texts.map((_, i) => packed.subarray(i * dimension, (i + 1) * dimension));
    return { title, texts, contexts, vectors };
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((t) => t?.terminate()));
  }

  private readyThreads(): PrepareThread[] {
    return this.threads.filter((t): t is PrepareThread => t?.ready === true && !t.exited);
  }
}

/**
 * A thread's error as the user should hear it: an `IngestError` keeps its code, so the reason is the
 * same as on this thread; a thread that died names the file it was reading.
 */
function restored(error: unknown, source: string): Error {
  if (error instanceof ThreadStopped)
    return new IngestError('unreadable', `${source}: reading the file stopped the ingestion thread.`);
  const remote = error as RemoteError;
  if (remote.name === 'IngestError' && remote.code)
    return new IngestError(remote.code as ErrorCode, remote.message, {
      transient: remote.transient ?? false,
    });
  return remote;
}
