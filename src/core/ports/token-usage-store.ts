/**
 * Tokens each tenant spent on model calls, per UTC day (`YYYY-MM-DD`). Calls never throw: an
 * unreachable backend answers with what this instance knows, so counting never fails an answer.
 */
export interface TokenUsageStore {
  spent(tenantId: string, day: string): Promise<number>;
  add(tenantId: string, day: string, tokens: number): Promise<void>;
}
