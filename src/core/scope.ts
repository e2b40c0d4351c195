import { DocentError } from './errors.js';
import type { Audience, Scope } from './types.js';

export interface AskContext {
  tenantId: string;
  channelId?: string;
  userId?: string;
  isDirectMessage?: boolean;
  /** Read by people outside the tenant: the tenant-wide documents are not theirs to read. */
  isExternallyShared?: boolean;
}

/**
 * A question in channel C by user U may read tenant-wide passages, passages of C, and U's own
 * DM passages when asked in a DM. Nothing else; and where people outside the tenant read along,
 * not the tenant-wide passages either.
 */
export function audienceFor(ctx: AskContext): Audience {
  const scopes: Scope[] = ctx.isExternallyShared ? [] : ['tenant'];
  if (ctx.channelId && !ctx.isDirectMessage) scopes.push(`channel:${ctx.channelId}`);
  if (ctx.isDirectMessage && ctx.userId) scopes.push(`user:${ctx.userId}`);
  return { tenantId: ctx.tenantId, scopes };
}

const SCOPE_PATTERN = /^(tenant|channel:[\w.-]+|user:[\w.-]+)$/;
const TENANT_PATTERN = /^[\w.-]{1,128}$/;

export function assertTenant(tenantId: string): void {
  if (!TENANT_PATTERN.test(tenantId)) {
    throw new DocentError(
      'invalid_input',
      `Invalid tenant id "${tenantId}": use letters, digits, ".", "_" or "-".`,
    );
  }
}

export function assertScope(scope: string): asserts scope is Scope {
  if (!SCOPE_PATTERN.test(scope)) throw new DocentError('invalid_input', `Invalid scope "${scope}".`);
}

/** Searching without a scope would read every document of a tenant: a programming error, never a default. */
export function assertAudience(audience: Audience | undefined): asserts audience is Audience {
  if (!audience?.tenantId || !Array.isArray(audience.scopes) || audience.scopes.length === 0) {
    throw new DocentError('missing_scope', 'A search needs a tenant and at least one scope.');
  }
  assertTenant(audience.tenantId);
  for (const s of audience.scopes) assertScope(s);
}
