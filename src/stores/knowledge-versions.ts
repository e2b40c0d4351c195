import { randomUUID } from 'node:crypto';
import type { Scope } from '../core/types.js';
import { BoundedMap } from './trim-oldest.js';

/** A scope's version before any document in it has changed. */
export const INITIAL_VERSION = '0';

/** For each tenant and scope, an opaque token that changes whenever a document in it changes. */
export interface KnowledgeVersions {
  read(tenantId: string, scopes: readonly Scope[]): Promise<string[]>;
  bump(tenantId: string, scope: Scope): Promise<void>;
}

/**
 * This instance's knowledge versions, for the in-memory cache: nothing else writes them, and every
 * cached answer reads one, so they are kept in a plain map (through keyv, reading one cost about
 * as much as the rest of the cache lookup).
 */
export class MemoryKnowledgeVersions implements KnowledgeVersions {
  private readonly versions: BoundedMap<string, string>;

  constructor(maxEntries: number) {
    this.versions = new BoundedMap(maxEntries);
  }

  async read(tenantId: string, scopes: readonly Scope[]): Promise<string[]> {
    return scopes.map((scope) => this.versions.get(versionKey(tenantId, scope)) ?? INITIAL_VERSION);
  }

  async bump(tenantId: string, scope: Scope): Promise<void> {
    this.versions.set(versionKey(tenantId, scope), randomUUID());
  }
}

export const versionKey = (tenantId: string, scope: Scope) => `version:${tenantId}:${scope}`;
