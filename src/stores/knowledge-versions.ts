import { randomUUID } from 'node:crypto';
import type { Scope } from '../core/types.js';

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
  // By tenant, then scope: looking up a joined key cost a new string and its hash on every read.
  private readonly tenants = new Map<string, Map<Scope, string>>();
  private entries = 0;
  // What a scope without a version of its own reads as. It changes whenever a tenant is forgotten,
  // so answers cached under that tenant's forgotten versions, or under this one, never come back.
  private unknown = INITIAL_VERSION;

  constructor(private readonly maxEntries: number) {}

  async read(tenantId: string, scopes: readonly Scope[]): Promise<string[]> {
    const known = this.tenants.get(tenantId);
    return scopes.map((scope) => known?.get(scope) ?? this.unknown);
  }

  async bump(tenantId: string, scope: Scope): Promise<void> {
    let known = this.tenants.get(tenantId);
    if (!known) {
      known = new Map();
      this.tenants.set(tenantId, known);
    }
    if (!known.has(scope)) this.entries++;
    known.set(scope, randomUUID());
    // Past the bound, the tenants whose versions were first set longest ago are forgotten whole.
    for (const [tenant, scopes] of this.tenants) {
      if (this.entries <= this.maxEntries) break;
      if (tenant === tenantId) continue;
      this.entries -= scopes.size;
      this.tenants.delete(tenant);
      this.unknown = randomUUID();
    }
  }
}
