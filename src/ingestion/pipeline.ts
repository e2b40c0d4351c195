import { hash } from 'node:crypto';
import type { Chunk, DocumentRecord, Scope } from '../core/types.js';
import { IngestError } from '../errors.js';
import type { VectorStore } from '../stores/vector-store.js';
import type { Embedder } from './embedder.js';
import type { DocumentPreparer } from './prepare.js';
import type { ChunkingOptions } from './split.js';

export interface IngestRequest {
  tenantId: string;
  scope: Scope;
  /** What a person recognises: relative path, URL or the shared file's name. Identifies the document. */
  source: string;
  /** Reads the bytes; ingestion never sees platform tokens or open handles. */
  fetchData: (maxBytes: number) => Promise<Uint8Array>;
}

export type IngestOutcome =
  | { status: 'indexed'; document: DocumentRecord; replaced: boolean }
  | { status: 'unchanged'; document: DocumentRecord };

export interface IngestionDeps {
  store: VectorStore;
  embedder: Embedder;
  chunking: ChunkingOptions;
  maxFileBytes: number;
  /** Where extraction, splitting and embedding run. */
  preparer: DocumentPreparer;
  /** Called after a document's passages change, so caches keyed on knowledge can move on. */
  onChange?: (tenantId: string, scope: Scope) => Promise<void> | void;
}

export const sha256 = (data: string | Uint8Array) => hash('sha256', data, 'hex');

export function documentId(tenantId: string, scope: Scope, source: string): string {
  return sha256(`${tenantId}\u0000${scope}\u0000${source}`).slice(0, 24);
}

/**
 * Fetch → hash → (skip if unchanged) → prepare (extract, split, embed) → one atomic replace.
 * Anything that fails before the replace leaves the store exactly as it was.
 */
export async function ingestDocument(request: IngestRequest, deps: IngestionDeps): Promise<IngestOutcome> {
  const { store, embedder } = deps;
  const bytes = await request.fetchData(deps.maxFileBytes);
  if (bytes.length > deps.maxFileBytes) throw tooLarge(request.source, bytes.length, deps.maxFileBytes);
  const docId = documentId(request.tenantId, request.scope, request.source);
  const contentHash = sha256(bytes);
  const existing = await store.getDocument(request.tenantId, docId);
  if (existing && existing.contentHash === contentHash && existing.embedder === embedder.id) {
    return { status: 'unchanged', document: existing };
  }
  const { title, texts, vectors = [] } = await deps.preparer.prepare(bytes, request.source);
  const chunks: Chunk[] = texts.map((text, position) => ({
    chunkId: `${docId}-${contentHash.slice(0, 12)}-${position}`,
    position,
    text,
    vector: vectors[position] as Float32Array,
  }));
  const document: DocumentRecord = {
    docId,
    tenantId: request.tenantId,
    scope: request.scope,
    source: request.source,
    title,
    contentHash,
    passages: chunks.length,
    embedder: embedder.id,
    updatedAt: new Date().toISOString(),
  };
  await store.replaceDocument(document, chunks);
  await deps.onChange?.(request.tenantId, request.scope);
  return { status: 'indexed', document, replaced: existing !== undefined };
}

export function tooLarge(source: string, size: number, limit: number): IngestError {
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
  return new IngestError(
    'too_large',
    `${source}: the file is ${mb(size)}, over the ${mb(limit)} limit (MAX_FILE_MB).`,
  );
}
