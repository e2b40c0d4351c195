import {
  type IngestionDeps,
  type IngestOutcome,
  type IngestRequest,
  ingestDocument,
} from './ingest-document.js';
import { assertAudience, assertTenant } from './scope.js';
import type { Audience, DocumentRecord, Passage, SearchRequest } from './types.js';

export interface KnowledgeBaseDeps extends IngestionDeps {
  topK: number;
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
    return this.deps.store.search({
      audience,
      text: question,
      vector,
      k: options.k ?? this.deps.topK,
      mode: options.mode,
      knowledgeVersions: options.knowledgeVersions,
    });
  }

  listDocuments(tenantId: string): Promise<DocumentRecord[]> {
    assertTenant(tenantId);
    return this.deps.store.listDocuments(tenantId);
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
