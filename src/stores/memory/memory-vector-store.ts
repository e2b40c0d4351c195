import { DocentError } from '../../core/errors.js';
import { collapseNearDuplicates } from '../../core/near-duplicates.js';
import type { EmbedderIdentity, VectorStore } from '../../core/ports/vector-store.js';
import { hybridFusion } from '../../core/rank-fusion.js';
import { assertAudience } from '../../core/scope.js';
import { searchableText } from '../../core/searchable-text.js';
import type { Chunk, DocumentRecord, Passage, SearchRequest } from '../../core/types.js';
import { bm25Rank } from './bm25.js';

interface StoredChunk extends Passage {
  tenantId: string;
  scope: string;
  generation: string;
  vector: Float32Array;
  /** searchableText(context, text): what full-text search reads, as in the LanceDB store. */
  searchText: string;
}

/** A record and the generation of passages it points at; as in the LanceDB store, no other is searched. */
export interface MemoryRecord extends DocumentRecord {
  generation: string;
}

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

/** The in-memory twin of the LanceDB store: exact search, same contract. */
export class MemoryVectorStore implements VectorStore {
  private embedder?: EmbedderIdentity;
  private readonly documents = new Map<string, MemoryRecord>();
  /** Every generation of a document's passages; outside a write, only the current one. */
  private readonly chunks = new Map<string, StoredChunk[]>();
  private generations = 0;

  async bindEmbedder(embedder: EmbedderIdentity): Promise<void> {
    if (!this.embedder) this.embedder = { ...embedder };
    else if (this.embedder.id !== embedder.id || this.embedder.dimension !== embedder.dimension) {
      throw embedderMismatch(this.embedder, embedder);
    }
  }

  async getDocument(tenantId: string, docId: string): Promise<DocumentRecord | undefined> {
    const doc = this.documents.get(docId);
    return doc && doc.tenantId === tenantId ? copy(doc) : undefined;
  }

  /** The same three steps as LanceDB's: passages of a new generation, the record, then older generations go. */
  async replaceDocument(doc: DocumentRecord, chunks: Chunk[]): Promise<void> {
    const generation = `g${++this.generations}`;
    const stored = chunks.map((c) => ({
      chunkId: c.chunkId,
      docId: doc.docId,
      title: doc.title,
      source: doc.source,
      text: c.text,
      position: c.position,
      score: 0,
      tenantId: doc.tenantId,
      scope: doc.scope,
      generation,
      vector: Float32Array.from(c.vector),
      searchText: searchableText(c.context ?? doc.title, c.text),
    }));
    const all = [...(this.chunks.get(doc.docId) ?? []), ...stored];
    this.chunks.set(doc.docId, all);
    const keep = (current: (g: string) => boolean) =>
      this.chunks.set(
        doc.docId,
        (this.chunks.get(doc.docId) ?? []).filter((c) => current(c.generation)),
      );
    try {
      await this.writeRecord({ ...doc, generation });
    } catch (error) {
      keep((g) => g !== generation);
      throw error;
    }
    keep((g) => g === generation);
  }

  /** Where a write takes effect; a test's subclass fails it to check that nothing half-stored shows. */
  protected async writeRecord(doc: MemoryRecord): Promise<void> {
    this.documents.set(doc.docId, { ...doc, origin: { ...doc.origin } });
  }

  async deleteDocument(tenantId: string, docId: string): Promise<DocumentRecord | undefined> {
    const doc = await this.getDocument(tenantId, docId);
    if (doc) {
      this.documents.delete(docId);
      this.chunks.delete(docId);
    }
    return doc;
  }

  async listDocuments(tenantId: string): Promise<DocumentRecord[]> {
    return [...this.documents.values()].filter((d) => d.tenantId === tenantId).map(copy);
  }

  async documentPassages(tenantId: string, docId: string): Promise<Passage[]> {
    const doc = this.documents.get(docId);
    if (doc?.tenantId !== tenantId) return [];
    return (this.chunks.get(docId) ?? [])
      .filter((c) => c.generation === doc.generation)
      .sort((a, b) => a.position - b.position)
      .map((c) => toPassage(c, 0));
  }

  async search(request: SearchRequest): Promise<Passage[]> {
    assertAudience(request.audience);
    const { tenantId, scopes } = request.audience;
    const allowed = new Set<string>(scopes);
    const candidates = [...this.chunks.values()]
      .flat()
      .filter((c) => c.tenantId === tenantId && allowed.has(c.scope))
      .filter((c) => this.documents.get(c.docId)?.generation === c.generation);
    // As deep as the LanceDB store reads, so near-duplicates dropped leave k passages.
    const depth = Math.max(request.k * 4, 20);
    const byVector = candidates
      .map((c) => ({ c, s: cosine(c.vector, request.vector) }))
      .sort((a, b) => b.s - a.s)
      .slice(0, depth);
    const byText = bm25Rank(candidates, (c) => c.searchText, request.text).slice(0, depth);
    const mode = request.mode ?? 'hybrid';
    const ranked =
      mode === 'vector'
        ? byVector.map((x) => ({ item: x.c, score: x.s }))
        : mode === 'bm25'
          ? byText.map((x) => ({ item: x.doc, score: x.score }))
          : hybridFusion(
              byVector.map((x) => x.c),
              byText.map((x) => x.doc),
              (c) => c.chunkId,
            );
    return collapseNearDuplicates(ranked, ({ item }) => item.text, request.k).map(({ item, score }) =>
      toPassage(item, score),
    );
  }

  async healthCheck(): Promise<void> {}

  async maintain(): Promise<void> {}

  async close(): Promise<void> {}
}

function copy({ generation: _generation, ...doc }: MemoryRecord): DocumentRecord {
  return { ...doc, origin: { ...doc.origin } };
}

function toPassage(c: StoredChunk, score: number): Passage {
  return {
    chunkId: c.chunkId,
    docId: c.docId,
    title: c.title,
    source: c.source,
    text: c.text,
    position: c.position,
    score,
  };
}

export function embedderMismatch(stored: EmbedderIdentity, wanted: EmbedderIdentity): DocentError {
  return new DocentError(
    'embedder_mismatch',
    `The knowledge base was built with the embedder "${stored.id}" (${stored.dimension} dimensions), ` +
      `but "${wanted.id}" (${wanted.dimension} dimensions) is configured. Vectors from different embedders ` +
      'cannot be mixed: switch back, or point DATA_DIR at a new directory and ingest again.',
  );
}
