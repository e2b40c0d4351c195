import type { Scope } from '../types.js';

/** Where a source's secret is read at sync time: never the secret itself. */
export interface SecretRef {
  /** An environment variable holding the token. */
  env?: string;
  /** A file holding the token (its first line). */
  file?: string;
  /** A JSON key file read whole, such as a Google service account's key. */
  keyFile?: string;
}

/** A place a tenant's documents are read from on a schedule: a site, a wiki, a repository. */
export interface SourceConfig {
  id: string;
  tenantId: string;
  /** Which reader serves it (`web`, …): a registered SourceKind. */
  kind: string;
  /** What the kind reads: a URL, a repository, a space. */
  target: string;
  /** Who may read its documents: the tenant, or one channel's members. */
  scope: Scope;
  everyMs: number;
  /** Settings the kind understands (a page limit, say); never secrets. */
  settings: Record<string, string | number | boolean>;
  secret?: SecretRef;
  createdAt: string;
}

export interface SyncCounts {
  added: number;
  updated: number;
  unchanged: number;
  removed: number;
  failed: number;
}

/** How the last sync went, and when the next is due. */
export interface SyncState {
  /** When the last sync finished (ISO 8601). */
  lastSyncAt?: string;
  /** `ok`: every document read; `partial`: some failed and were kept as they were; `failed`: nothing read. */
  status?: 'ok' | 'partial' | 'failed';
  counts?: SyncCounts;
  lastError?: string;
  /** Syncs in a row that were not `ok`: the retry waits longer each time. */
  failures: number;
  /** When the scheduler runs it next (ISO 8601); computed from the last sync, so it survives a restart. */
  nextSyncAt?: string;
}

export interface Source extends SourceConfig {
  state: SyncState;
}

/** What a sync remembers of one document of a source, to ask next time whether it changed. */
export interface SourceItem {
  /** The document's address within the source (a page's URL). */
  key: string;
  docId?: string;
  etag?: string;
  lastModified?: string;
  /** Addresses the document links to, for kinds that discover documents by following links. */
  links?: string[];
}

/**
 * Source configurations, their sync state and what each sync remembers of each document, kept
 * across restarts. Implemented on the operational SQL database (DuckDB or PostgreSQL).
 */
export interface SourceStore {
  create(source: SourceConfig): Promise<Source>;
  get(id: string): Promise<Source | undefined>;
  /** Every tenant's sources without a tenant. */
  list(tenantId?: string): Promise<Source[]>;
  /** Forgets the source and its items; undefined when there is none. */
  remove(id: string): Promise<Source | undefined>;
  recordSync(id: string, state: SyncState): Promise<void>;
  items(id: string): Promise<SourceItem[]>;
  /** Adds or replaces items by key. */
  putItems(id: string, items: SourceItem[]): Promise<void>;
  removeItems(id: string, keys: string[]): Promise<void>;
}
