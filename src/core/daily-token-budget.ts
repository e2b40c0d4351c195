import type { TokenUsageStore } from './ports/token-usage-store.js';

/** How many model tokens a tenant may still spend; the answer graph asks before every model call. */
export interface TokenBudget {
  /** False once the tenant has used up today's tokens. */
  allows(tenantId: string): Promise<boolean>;
  /** Counts the tokens (input and output) one model call used. */
  spend(tenantId: string, tokens: number): Promise<void>;
}

/** The UTC calendar day of an instant: budgets reset at 00:00 UTC wherever the instance runs. */
export const utcDay = (at: Date): string => at.toISOString().slice(0, 10);

/** A fixed number of tokens per tenant per UTC day, counted in a (possibly shared) store. */
export class DailyTokenBudget implements TokenBudget {
  constructor(
    private readonly store: TokenUsageStore,
    private readonly tokensPerDay: number,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async allows(tenantId: string): Promise<boolean> {
    return (await this.store.spent(tenantId, utcDay(this.now()))) < this.tokensPerDay;
  }

  async spend(tenantId: string, tokens: number): Promise<void> {
    if (tokens > 0) await this.store.add(tenantId, utcDay(this.now()), tokens);
  }
}

/** No budget: nothing is counted, so nothing is stored or sent to Redis. */
export const UNLIMITED_BUDGET: TokenBudget = {
  allows: async () => true,
  spend: async () => {},
};
