import { describe, expect, it } from 'vitest';
import { DailyTokenBudget, utcDay } from '../../src/core/daily-token-budget.js';
import { MemoryTokenUsageStore } from '../../src/stores/memory/memory-token-usage-store.js';

describe('a daily token budget', () => {
  it('allows model calls until the day’s tokens are spent, then refuses until 00:00 UTC', async () => {
    let now = new Date('2025-03-01T23:59:00Z');
    const budget = new DailyTokenBudget(new MemoryTokenUsageStore(), 1000, () => now);
    await budget.spend('acme', 999);
    expect(await budget.allows('acme')).toBe(true);
    await budget.spend('acme', 1);
    expect(await budget.allows('acme')).toBe(false);
    expect(await budget.allows('globex')).toBe(true);
    now = new Date('2025-03-02T00:00:01Z');
    expect(await budget.allows('acme')).toBe(true);
  });

  it('turns over at midnight UTC, not at local midnight', () => {
    expect(utcDay(new Date('2025-03-01T23:30:00-05:00'))).toBe('2025-03-02');
    expect(utcDay(new Date('2025-03-02T00:30:00+02:00'))).toBe('2025-03-01');
  });

  it('keeps only the latest days in memory', async () => {
    const store = new MemoryTokenUsageStore();
    await store.add('acme', '2025-03-01', 5);
    await store.add('acme', '2025-03-02', 6);
    await store.add('acme', '2025-03-03', 7);
    expect(await store.spent('acme', '2025-03-01')).toBe(0);
    expect(await store.spent('acme', '2025-03-02')).toBe(6);
    expect(await store.spent('acme', '2025-03-03')).toBe(7);
  });
});
