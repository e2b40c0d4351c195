import type { Chunk, DocumentRecord, Passage, SearchRequest } from '../types.js';

export interface EmbedderIdentity {
  id: string;
  dimension: number;
}

/**
 * The knowledge base's storage port. LanceDB is the real one; `MemoryVectorStore` is its twin
 * for tests and tools. Both pass test/contract/vector-store.contract.ts.
 */
export interface VectorStore {
  /** Records the embedder on first use and refuses a different one afterwards (mixed vectors are meaningless). */
  bindEmbedder(embedder: EmbedderIdentity): Promise<void>;
  getDocument(tenantId: string, docId: string): Promise<DocumentRecord | undefined>;
  /**
   * Replaces every passage of the document at once: readers see the old set or the new set, never
   * both; when it throws, the old set (or nothing, for a new document) is all that is searched,
   * and trying again stores each passage once.
   */
  replaceDocument(doc: DocumentRecord, chunks: Chunk[]): Promise<void>;
  deleteDocument(tenantId: string, docId: string): Promise<DocumentRecord | undefined>;
  listDocuments(tenantId: string): Promise<DocumentRecord[]>;
  /**
   * The current passages of one of the tenant's documents, in reading order (score 0); none when
   * the tenant has no such document.
   */
  documentPassages(tenantId: string, docId: string): Promise<Passage[]>;
  /** Pre-filtered to the request's audience; throws without one. */
  search(request: SearchRequest): Promise<Passage[]>;
  /** Throws, naming the problem, when the store cannot serve reads and writes. */
  healthCheck(): Promise<void>;
  /** Builds or refreshes indexes and compacts old versions; cheap when nothing needs doing. */
  maintain(): Promise<void>;
  close(): Promise<void>;
}
