import type { TokenUsageStore } from '../../core/ports/token-usage-store.js';

// Today and yesterday: a question that started before midnight may still be adding to yesterday.
const KEPT_DAYS = 2;

/** In-process twin: one map of tenants per day, forgetting all but the latest days. */
export class MemoryTokenUsageStore implements TokenUsageStore {
  private readonly days = new Map<string, Map<string, number>>();

  async spent(tenantId: string, day: string): Promise<number> {
    return this.days.get(day)?.get(tenantId) ?? 0;
  }

  async add(tenantId: string, day: string, tokens: number): Promise<void> {
    let tenants = this.days.get(day);
    if (!tenants) {
      tenants = new Map();
      this.days.set(day, tenants);
      const oldest = [...this.days.keys()].sort().slice(0, -KEPT_DAYS);
      for (const d of oldest) this.days.delete(d);
    }
    tenants.set(tenantId, (tenants.get(tenantId) ?? 0) + tokens);
  }
}
