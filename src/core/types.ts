/**
 * Visibility of a passage inside its tenant:
 * - `tenant`: everyone in the workspace/guild (CLI and admin ingestion, public channels);
 * - `channel:<id>`: members of one private channel;
 * - `user:<id>`: one person (files sent in a DM).
 */
export type Scope = 'tenant' | `channel:${string}` | `user:${string}`;

/** Who is asking, and so what they may read. Taken from verified platform envelopes, never from text. */
export interface Audience {
  tenantId: string;
  scopes: Scope[];
}

export interface DocumentRef {
  docId: string;
  tenantId: string;
  scope: Scope;
  /** What a person recognises: a path relative to what was ingested, a URL, or a shared file's name. */
  source: string;
  title: string;
}

/**
 * Who added a document and from where. Part of its identity: a file shared in a channel never
 * replaces a document the operator added, or one someone else shared, or one shared elsewhere.
 */
export interface DocumentOrigin {
  /** `admin` (the admin API), `cli`, or the platform id of the person who shared the file. */
  addedBy: string;
  /** The channel id, `dm`, or for the operator what was ingested (`upload`, a URL, a path). */
  addedIn: string;
  /** The platform a shared file came through; `admin` or `cli` for the operator. */
  platform: string;
}

/**
 * Documents stored before origins were recorded: all of them are read as the operator's. Their
 * ids were made the way operator documents' ids still are, so re-ingesting them updates them.
 */
export const UNRECORDED_ORIGIN: DocumentOrigin = {
  addedBy: 'admin',
  addedIn: 'unrecorded',
  platform: 'admin',
};

/** The operator (CLI, admin API) may update any of its own documents from anywhere. */
export const isOperatorOrigin = (origin: DocumentOrigin) =>
  origin.platform === 'admin' || origin.platform === 'cli';

export interface DocumentRecord extends DocumentRef {
  origin: DocumentOrigin;
  contentHash: string;
  passages: number;
  embedder: string;
  updatedAt: string;
  /** The size of the file as fetched; unknown for documents stored before sizes were recorded. */
  bytes?: number;
}

export interface Chunk {
  chunkId: string;
  position: number;
  text: string;
  /**
   * Where the passage sits: "Title > Heading > Subheading". Searched with the text, never shown
   * as part of it; the document's title when absent.
   */
  context?: string;
  vector: Float32Array | number[];
}

export interface Passage {
  chunkId: string;
  docId: string;
  title: string;
  source: string;
  text: string;
  position: number;
  score: number;
}

export interface SearchRequest {
  audience: Audience;
  text: string;
  vector: number[];
  k: number;
  /** `hybrid` (default) fuses vector and BM25; the single modes exist for evaluation. */
  mode?: 'hybrid' | 'vector' | 'bm25';
  /**
   * The knowledge version of each of `audience.scopes`, as the caller read them: a store that
   * keeps a view of its data reads the latest one when any is new to it, so a document another
   * process added or removed is searched (or not) at once.
   */
  knowledgeVersions?: readonly string[];
}

/** A document as the CLI's --json and the admin API show it. */
export function documentView(d: DocumentRecord) {
  return {
    doc_id: d.docId,
    source: d.source,
    title: d.title,
    scope: d.scope,
    added_by: d.origin.addedBy,
    added_in: d.origin.addedIn,
    platform: d.origin.platform,
    passages: d.passages,
    content_hash: d.contentHash,
    updated_at: d.updatedAt,
    bytes: d.bytes ?? null,
  };
}
