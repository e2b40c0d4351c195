export interface CachedAnswer {
  answer: string;
  /** Indices into `sources`, as cited in the answer. */
  sources: { n: number; doc_id: string; title: string; source: string; score: number; text: string }[];
  model: string;
  route: string;
}

/**
 * Answers ready to serve, by key (see graphs/answer/cache-key.ts). Every call is bounded in time
 * and never throws: a slow or dead backend is a cache miss, not a failed answer.
 */
export interface AnswerCache {
  get(key: string): Promise<CachedAnswer | undefined>;
  set(key: string, value: CachedAnswer): Promise<void>;
  /** Forgets every answer; knowledge versions are kept elsewhere and survive it. */
  flush(): Promise<void>;
  close(): Promise<void>;
}
