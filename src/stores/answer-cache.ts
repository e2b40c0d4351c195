import type { Scope } from '../core/types.js';

export interface CachedAnswer {
  answer: string;
  /** Indices into `sources`, as cited in the answer. */
  sources: { n: number; doc_id: string; title: string; source: string; score: number; text: string }[];
  model: string;
  route: string;
}

/** One question and its answer, as thread memory keeps them. */
export interface OpeningTurn {
  question: string;
  standalone: string;
  answer: string;
}

/**
 * Answers and the knowledge versions that key them. Every call is bounded in time and never
 * throws: a slow or dead backend is a cache miss, not a failed answer.
 */
export interface AnswerCache {
  get(key: string): Promise<CachedAnswer | undefined>;
  set(key: string, value: CachedAnswer): Promise<void>;
  /** For each scope, an opaque token that changes whenever a document in that scope changes. */
  knowledgeVersions(tenantId: string, scopes: readonly Scope[]): Promise<string[]>;
  bumpKnowledgeVersion(tenantId: string, scope: Scope): Promise<void>;
  /** The first turn of a thread that was answered from the cache without running the graph. */
  rememberOpeningTurn(threadId: string, turn: OpeningTurn): Promise<void>;
  /** That turn, once: reading it removes it, as the thread's memory takes it over. */
  takeOpeningTurn(threadId: string): Promise<OpeningTurn | undefined>;
  flush(): Promise<void>;
  close(): Promise<void>;
}
