import { randomUUID } from 'node:crypto';
import { INITIAL_VERSION, type KnowledgeVersions } from '../../core/ports/knowledge-versions.js';
import type { Scope } from '../../core/types.js';

// Kept beside the tenant's scopes, so forgetting a tenant forgets it too; no scope is spelled so.
const ANSWER_GENERATION = '#answers';

/**
 * This instance's knowledge versions, when nothing else writes its documents: a plain map, by
 * tenant then scope, bounded by forgetting whole tenants.
 */
export class MemoryKnowledgeVersions implements KnowledgeVersions {
  private readonly tenants = new Map<string, Map<string, string>>();
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
    this.renew(tenantId, scope);
  }

  async answerGeneration(tenantId: string): Promise<string> {
    return this.tenants.get(tenantId)?.get(ANSWER_GENERATION) ?? this.unknown;
  }

  async retireAnswers(tenantId: string): Promise<void> {
    this.renew(tenantId, ANSWER_GENERATION);
  }

  async close(): Promise<void> {}

  private renew(tenantId: string, entry: string): void {
    let known = this.tenants.get(tenantId);
    if (!known) {
      known = new Map();
      this.tenants.set(tenantId, known);
    }
    if (!known.has(entry)) this.entries++;
    known.set(entry, randomUUID());
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
