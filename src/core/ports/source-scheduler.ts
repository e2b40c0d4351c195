import type { Source } from './source-store.js';

export interface ScheduledSync {
  /** Every source, to find what is due (the in-process scheduler) or reconcile (the shared one). */
  list(): Promise<Source[]>;
  /** Syncs one source; throws when it did not complete, so a shared scheduler retries it. */
  run(sourceId: string): Promise<void>;
}

/**
 * Runs each source's sync on its schedule: in this process from the recorded state, or, with
 * Redis, once per period across every instance.
 */
export interface SourceScheduler {
  start(sync: ScheduledSync): Promise<void>;
  /** A source was added or changed: (re)schedule it. */
  schedule(source: Source): Promise<void>;
  unschedule(sourceId: string): Promise<void>;
  close(): Promise<void>;
}
