import type { Worker } from 'node:worker_threads';
import type { AnswerGraphInput, AnswerGraphOptions, AnswerGraphRunner } from '../../graphs/answer/graph.js';
import type { AnswerStateType } from '../../graphs/answer/state.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { AnswerCache } from '../stores/answer-cache.js';
import { deadLink, type RpcLink, rpcLink } from '../threads/rpc.js';
import { startThread } from '../threads/start-thread.js';
import { serveCache } from './linked-answer-cache.js';

// A thread that died is started again after this pause, so one that cannot start does not spin.
const RESTART_DELAY_MS = 1_000;
const ANSWER_THREAD_MODULE = new URL('./worker.js', import.meta.url);

/**
 * The answer graph in a worker thread of its own. The main thread keeps what must stay fast (the
 * HTTP server, Slack acknowledgements, cached answers, the cache itself); the graph's CPU work
 * and garbage live in the thread. A thread that dies fails the questions it held (their askers
 * get the usual apology) and is started again.
 */
export class AnswerThread implements AnswerGraphRunner {
  private worker!: Worker;
  private link!: RpcLink;
  private closing = false;

  constructor(
    private readonly config: Config,
    private readonly cache: AnswerCache,
    private readonly logger: Logger,
    /** The module the thread runs; a test may supervise a stand-in. */
    private readonly entry: URL = ANSWER_THREAD_MODULE,
  ) {
    this.start();
  }

  invoke(input: AnswerGraphInput, options: AnswerGraphOptions): Promise<AnswerStateType> {
    return this.link.call('invoke', input, options);
  }

  /** A tenant's passages changed on the main thread: the thread's next search must see them. */
  refresh(tenantId: string): Promise<void> {
    return this.link.call('refresh', tenantId);
  }

  /** The main thread rebuilt the indexes (maintenance): the thread reads them now, not on a question. */
  reloadIndexes(): Promise<void> {
    return this.link.call('reloadIndexes');
  }

  /** Resolves once the thread has opened the store and built the graph; throws if it cannot. */
  ready(): Promise<void> {
    return this.link.call('ready');
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.link.call('close').catch(() => {});
    await this.worker.terminate();
  }

  private start() {
    const worker = startThread(this.entry, { config: this.config });
    const link = rpcLink(worker, { cache: serveCache(this.cache) });
    worker.on('error', (error) => this.logger.error({ err: error }, 'answer thread failed'));
    worker.on('exit', (code) => {
      const stopped = new Error(`the answer thread stopped (exit code ${code})`);
      link.failPending(stopped);
      // Until the next thread starts, calls fail at once instead of waiting for a reply that never comes.
      this.link = deadLink(stopped);
      if (this.closing) return;
      this.logger.warn({ code }, 'answer thread stopped; starting it again');
      setTimeout(() => {
        if (!this.closing) this.start();
      }, RESTART_DELAY_MS).unref();
    });
    this.worker = worker;
    this.link = link;
  }
}
