import { LRUCache } from 'lru-cache';
import type {
  CuratedAnswer,
  CuratedAnswerLookup,
  CuratedAnswers,
  CuratedAnswerText,
} from './ports/curated-answers.js';
import type { KnowledgeVersions } from './ports/knowledge-versions.js';
import type { Audience, Scope } from './types.js';

export interface CuratedAnswerBookOptions {
  /** What a question asks, as answers are matched by (the answer cache's question signature). */
  signature: (question: string) => string;
  /** A scope's answers not read within this long are a miss: the question is answered the usual way. */
  lookupTimeoutMs: number;
  /** How many tenant scopes' answers this process keeps at hand. */
  maxScopes?: number;
  /**
   * The longest a scope's answers are kept without reading them again. Versions shared through
   * Redis change with every write, so this only bounds how long instances that share a database
   * but not their versions may serve an answer another instance has changed.
   */
  maxAgeMs?: number;
  onError: (error: unknown) => void;
}

type BySignature = Map<string, CuratedAnswer>;

/**
 * Curated answers as the service uses them. Every write bumps the knowledge version of the
 * answer's tenant and scope, which does two things:
 * - it retires the answers cached there. Cache keys are hashes holding the scope's version, so the
 *   cached answers a curated one replaces cannot be picked out and deleted; without the bump an
 *   edited or removed curated answer would give way to the very cached answer it corrected. Other
 *   questions of that scope are answered afresh once: a small price for a write made by hand;
 * - it renews what the answer path keeps at hand. A scope's answers are read from the database
 *   once per knowledge version and matched in memory, so a question costs no database round trip
 *   (a DuckDB query takes milliseconds, a cached answer tens of microseconds).
 */
export class CuratedAnswerBook implements CuratedAnswers, CuratedAnswerLookup {
  private readonly scopes: LRUCache<string, BySignature>;

  constructor(
    private readonly store: CuratedAnswers,
    private readonly versions: KnowledgeVersions,
    private readonly options: CuratedAnswerBookOptions,
  ) {
    this.scopes = new LRUCache({ max: options.maxScopes ?? 10_000, ttl: options.maxAgeMs ?? 10_000 });
  }

  list(tenantId: string): Promise<CuratedAnswer[]> {
    return this.store.list(tenantId);
  }

  inScope(tenantId: string, scope: Scope): Promise<CuratedAnswer[]> {
    return this.store.inScope(tenantId, scope);
  }

  async create(tenantId: string, scope: Scope, text: CuratedAnswerText): Promise<CuratedAnswer> {
    const created = await this.store.create(tenantId, scope, text);
    await this.versions.bump(tenantId, scope);
    return created;
  }

  async update(tenantId: string, id: string, text: Partial<CuratedAnswerText>) {
    const updated = await this.store.update(tenantId, id, text);
    if (updated) await this.versions.bump(tenantId, updated.scope);
    return updated;
  }

  async remove(tenantId: string, id: string): Promise<CuratedAnswer | undefined> {
    const removed = await this.store.remove(tenantId, id);
    if (removed) await this.versions.bump(tenantId, removed.scope);
    return removed;
  }

  async find(audience: Audience, versions: readonly string[], signature: string) {
    const found = await Promise.all(
      audience.scopes.map(async (scope, i) => {
        const answers = await this.answersOf(audience.tenantId, scope, versions[i] ?? '');
        return answers?.get(signature);
      }),
    );
    // A channel's or a person's own answer is more specific than the tenant's.
    const specific = found.filter((a, i) => a && audience.scopes[i] !== 'tenant');
    return specific[0] ?? found.find((a) => a !== undefined);
  }

  /** A scope's answers by signature at this version; undefined when the database did not answer. */
  private async answersOf(tenantId: string, scope: Scope, version: string): Promise<BySignature | undefined> {
    const key = `${tenantId}\u0000${scope}\u0000${version}`;
    const known = this.scopes.get(key);
    if (known) return known;
    const answers = await this.read(tenantId, scope);
    if (!answers) return undefined;
    const bySignature: BySignature = new Map();
    for (const a of answers) bySignature.set(this.options.signature(a.question), a);
    this.scopes.set(key, bySignature);
    return bySignature;
  }

  /** A failed or late read is not kept: the next question reads again. */
  private async read(tenantId: string, scope: Scope): Promise<CuratedAnswer[] | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), this.options.lookupTimeoutMs);
    });
    try {
      return await Promise.race([this.store.inScope(tenantId, scope), late]);
    } catch (error) {
      this.options.onError(error);
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }
}
