import type { Scope } from '../types.js';

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
  /**
   * The tenant's answer generation: part of every answer cache key of the tenant, so renewing it
   * retires all of the tenant's cached answers at once, whatever their scopes. Cache keys are
   * hashes that name no tenant, so finding a tenant's entries would mean storing an index beside
   * them or scanning every key of a shared Redis; a token costs one read, made with the versions'.
   */
  answerGeneration(tenantId: string): Promise<string>;
  /** Renews the tenant's answer generation: its cached answers stop matching; other tenants' stay. */
  retireAnswers(tenantId: string): Promise<void>;
  close(): Promise<void>;
}
