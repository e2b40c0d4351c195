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
  close(): Promise<void>;
}
