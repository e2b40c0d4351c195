import {
  type IngestionDeps,
  type IngestOutcome,
  type IngestRequest,
  ingestDocument,
} from './ingest-document.js';
import { type Reranking, rerankPassages } from './rerank-passages.js';
import { assertAudience, assertTenant } from './scope.js';
import type { Audience, DocumentRecord, Passage, SearchRequest } from './types.js';

export interface KnowledgeBaseDeps extends IngestionDeps {
  topK: number;
  /** When set, a wider pool of fused candidates is reordered by a reranker before the best are kept. */
  reranking?: Reranking;
}

/** The documents a tenant has taught Docent: ingest, search within an audience, list, remove. */
export class KnowledgeBase {
  constructor(private readonly deps: KnowledgeBaseDeps) {}

  get topK(): number {
    return this.deps.topK;
  }

  ingest(request: IngestRequest): Promise<IngestOutcome> {
    assertTenant(request.tenantId);
    return ingestDocument(request, this.deps);
  }

  async search(
    question: string,
    audience: Audience,
    options: Pick<SearchRequest, 'mode' | 'knowledgeVersions'> & { k?: number } = {},
  ): Promise<Passage[]> {
    assertAudience(audience);
    const vector = Array.from(await this.deps.embedder.embedQuery(question));
    const k = options.k ?? this.deps.topK;
    const { reranking } = this.deps;
    const passages = await this.deps.store.search({
      audience,
      text: question,
      vector,
      k: reranking ? Math.max(k, reranking.candidates) : k,
      mode: options.mode,
      knowledgeVersions: options.knowledgeVersions,
    });
    return reranking ? rerankPassages(question, passages, k, reranking) : passages;
  }

  listDocuments(tenantId: string): Promise<DocumentRecord[]> {
    assertTenant(tenantId);
    return this.deps.store.listDocuments(tenantId);
  }

  /**
   * One document and its passages in reading order, when the audience may read it: a document of
   * a scope outside the audience reads as absent, like one that does not exist.
   */
  async readDocument(
    audience: Audience,
    docId: string,
  ): Promise<{ document: DocumentRecord; passages: Passage[] } | undefined> {
    assertAudience(audience);
    const document = await this.deps.store.getDocument(audience.tenantId, docId);
    if (!document || !audience.scopes.includes(document.scope)) return undefined;
    return { document, passages: await this.deps.store.documentPassages(audience.tenantId, docId) };
  }

  async removeDocument(tenantId: string, docId: string): Promise<DocumentRecord | undefined> {
    assertTenant(tenantId);
    const removed = await this.deps.store.deleteDocument(tenantId, docId);
    if (removed) await this.deps.onChange?.(tenantId, removed.scope);
    return removed;
  }

  maintain(): Promise<void> {
    return this.deps.store.maintain();
  }
}
