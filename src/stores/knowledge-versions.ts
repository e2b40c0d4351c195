import { randomUUID } from 'node:crypto';
import type Keyv from 'keyv';
import type { Scope } from '../core/types.js';
import { boundedCalls, type KeyvCallOptions } from './keyv-answer-cache.js';

/** A scope's version before any document in it has changed. */
export const INITIAL_VERSION = '0';

/**
 * For each tenant and scope, an opaque token that changes whenever a document in it changes:
 * answers are cached under the versions they were made from, and searches read passages at least
 * as new as the versions they are given. Calls never throw.
 */
export interface KnowledgeVersions {
  read(tenantId: string, scopes: readonly Scope[]): Promise<string[]>;
  bump(tenantId: string, scope: Scope): Promise<void>;
  close(): Promise<void>;
}

/**
 * This instance's knowledge versions, when nothing else writes its documents: a plain map, by
 * tenant then scope, bounded by forgetting whole tenants.
 */
export class MemoryKnowledgeVersions implements KnowledgeVersions {
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

  async close(): Promise<void> {}
}

/** Knowledge versions in a keyv store of their own: on Redis, every instance sees every bump. */
export class KeyvKnowledgeVersions implements KnowledgeVersions {
  private readonly bounded: ReturnType<typeof boundedCalls>;

  constructor(
    private readonly keyv: Keyv,
    options: KeyvCallOptions,
  ) {
    this.bounded = boundedCalls(options);
  }

  async read(tenantId: string, scopes: readonly Scope[]): Promise<string[]> {
    const keys = scopes.map((scope) => versionKey(tenantId, scope));
    const found = await this.bounded(() => this.keyv.getMany<string>(keys));
    return scopes.map((_, i) => found?.[i] ?? INITIAL_VERSION);
  }

  // A fresh random token needs no read-modify-write, so concurrent bumps from several instances are safe.
  async bump(tenantId: string, scope: Scope): Promise<void> {
    await this.bounded(() => this.keyv.set(versionKey(tenantId, scope), randomUUID()));
  }

  async close(): Promise<void> {
    await this.bounded(() => this.keyv.disconnect());
  }
}

const versionKey = (tenantId: string, scope: Scope) => `version:${tenantId}:${scope}`;
