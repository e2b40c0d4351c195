import { hash } from 'node:crypto';
import { IngestError } from './errors.js';
import type { DocumentPreparer } from './ports/document-preparer.js';
import type { Embedder } from './ports/embedder.js';
import type { VectorStore } from './ports/vector-store.js';
import {
  type Chunk,
  type DocumentOrigin,
  type DocumentRecord,
  isOperatorOrigin,
  type Scope,
} from './types.js';

export interface IngestRequest {
  tenantId: string;
  scope: Scope;
  /** What a person recognises: relative path, URL or the shared file's name. */
  source: string;
  /**
   * Who adds it and from where; with tenant, scope and source it identifies the document.
   * Platform jobs always set it; without it the CLI (the operator) is adding a local path.
   */
  origin?: DocumentOrigin;
  /** Reads the bytes; ingestion never sees platform tokens or open handles. */
  fetchData: (maxBytes: number) => Promise<Uint8Array>;
}

export type IngestOutcome =
  | { status: 'indexed'; document: DocumentRecord; replaced: boolean }
  | { status: 'unchanged'; document: DocumentRecord };

export interface IngestionDeps {
  store: VectorStore;
  embedder: Embedder;
  maxFileBytes: number;
  /** Where extraction, splitting and embedding run. */
  preparer: DocumentPreparer;
  /** Called after a document's passages change, so caches keyed on knowledge can move on. */
  onChange?: (tenantId: string, scope: Scope) => Promise<void> | void;
}

export const sha256 = (data: string | Uint8Array) => hash('sha256', data, 'hex');

/**
 * The operator's documents keep the id they always had (tenant, scope, source), so re-ingesting a
 * path updates it; a shared file's id also names who shared it, where and on which platform, so
 * it can only ever update that person's own file from that channel.
 */
export function documentId(tenantId: string, scope: Scope, source: string, origin: DocumentOrigin): string {
  const key = [tenantId, scope, source];
  if (!isOperatorOrigin(origin)) key.push('shared', origin.platform, origin.addedBy, origin.addedIn);
  return sha256(key.join('\u0000')).slice(0, 24);
}

const cliOrigin = (source: string): DocumentOrigin => ({ addedBy: 'cli', addedIn: source, platform: 'cli' });

/**
 * Fetch → hash → (skip if unchanged) → prepare (extract, split, embed) → one atomic replace.
 * Anything that fails before the replace leaves the store exactly as it was.
 */
export async function ingestDocument(request: IngestRequest, deps: IngestionDeps): Promise<IngestOutcome> {
  const { store, embedder } = deps;
  const bytes = await request.fetchData(deps.maxFileBytes);
  if (bytes.length > deps.maxFileBytes) throw tooLarge(request.source, bytes.length, deps.maxFileBytes);
  const origin = request.origin ?? cliOrigin(request.source);
  const docId = documentId(request.tenantId, request.scope, request.source, origin);
  const contentHash = sha256(bytes);
  const existing = await store.getDocument(request.tenantId, docId);
  if (existing && existing.contentHash === contentHash && existing.embedder === embedder.id) {
    return { status: 'unchanged', document: existing };
  }
  const { title, texts, contexts, vectors = [] } = await deps.preparer.prepare(bytes, request.source);
  const chunks: Chunk[] = texts.map((text, position) => ({
    chunkId: `${docId}-${contentHash.slice(0, 12)}-${position}`,
    position,
    text,
    context: contexts[position] ?? title,
    vector: vectors[position] as Float32Array,
  }));
  const document: DocumentRecord = {
    docId,
    tenantId: request.tenantId,
    scope: request.scope,
    source: request.source,
    origin,
    title,
    contentHash,
    passages: chunks.length,
    embedder: embedder.id,
    updatedAt: new Date().toISOString(),
    bytes: bytes.length,
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
