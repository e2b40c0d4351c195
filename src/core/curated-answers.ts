import type { CuratedAnswers } from './ports/curated-answers.js';
import type { KnowledgeVersions } from './ports/knowledge-versions.js';

/**
 * Curated answers whose every write retires the answers cached in the same tenant and scope.
 * Cache keys are hashes that hold the scope's knowledge version, so the cached answers a curated
 * one replaces cannot be found and deleted one by one; bumping the version makes all of them miss.
 * That matters once a curated answer is edited or removed: the old question's cached answer (the
 * one an admin may have corrected after a 👎) must not come back. Other questions of that scope
 * are answered afresh once, a small price for writes an admin makes by hand.
 */
export function retiringCachedAnswers(store: CuratedAnswers, versions: KnowledgeVersions): CuratedAnswers {
  return {
    list: (tenantId) => store.list(tenantId),
    find: (audience, signature) => store.find(audience, signature),
    async create(tenantId, scope, text) {
      const created = await store.create(tenantId, scope, text);
      await versions.bump(tenantId, scope);
      return created;
    },
    async update(tenantId, id, text) {
      const updated = await store.update(tenantId, id, text);
      if (updated) await versions.bump(tenantId, updated.scope);
      return updated;
    },
    async remove(tenantId, id) {
      const removed = await store.remove(tenantId, id);
      if (removed) await versions.bump(tenantId, removed.scope);
      return removed;
    },
  };
}
