import type { Audience, Scope } from '../types.js';

/** The route and model of an answer an admin wrote: no model, no cache, no tokens. */
export const CURATED = 'curated';
/**
 * How chat surfaces credit a curated answer. Docent keeps no display name for a tenant (it knows
 * a workspace or guild by its id only), so the wording names the team without a name.
 */
export const CURATED_BY = "Answer from your team's admins";
/** The source title a curated answer cites. */
export const CURATED_SOURCE_TITLE = 'Curated answer';

/** An answer an admin wrote for one question (and its rephrasings) within a tenant and scope. */
export interface CuratedAnswer {
  id: string;
  tenantId: string;
  /** Who may be served it: the whole tenant, one channel's members or one person. */
  scope: Scope;
  question: string;
  answer: string;
  /** ISO 8601. */
  createdAt: string;
  updatedAt: string;
}

export interface CuratedAnswerText {
  question: string;
  answer: string;
}

/** The same question twice in one tenant and scope: which of the two answers would be served? */
export class DuplicateCuratedAnswerError extends Error {
  constructor(readonly existingId: string) {
    super(`an answer to this question already exists in this scope: ${existingId}`);
  }
}

/**
 * Answers written by admins, kept across restarts. Writes throw when the database does, and
 * refuse a second answer to the same question (by its signature, graphs/answer/cache-key.ts) in
 * one tenant and scope with DuplicateCuratedAnswerError.
 */
export interface CuratedAnswers {
  list(tenantId: string): Promise<CuratedAnswer[]>;
  /** Every answer of one tenant and scope: what a question asked there may be served. */
  inScope(tenantId: string, scope: Scope): Promise<CuratedAnswer[]>;
  create(tenantId: string, scope: Scope, text: CuratedAnswerText): Promise<CuratedAnswer>;
  /** Undefined when the tenant has no answer with this id. */
  update(tenantId: string, id: string, text: Partial<CuratedAnswerText>): Promise<CuratedAnswer | undefined>;
  /** The removed answer; undefined when the tenant has none with this id. */
  remove(tenantId: string, id: string): Promise<CuratedAnswer | undefined>;
}

/** How the answer path finds a curated answer; never throws (a database away is a miss). */
export interface CuratedAnswerLookup {
  /**
   * The answer to serve this audience for a question's signature, given the knowledge version of
   * each of its scopes (`versions[i]` is that of `audience.scopes[i]`): the narrowest scope wins.
   */
  find(
    audience: Audience,
    versions: readonly string[],
    signature: string,
  ): Promise<CuratedAnswer | undefined>;
}
