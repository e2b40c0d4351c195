import type { ModelPrice } from '../../src/config.js';
import type { TokenUsage } from '../../src/core/ports/language-model.js';

/** USD per million tokens for the default models; MODEL_PRICES adds or overrides entries. */
export const DEFAULT_PRICES: Record<string, ModelPrice> = {
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4.1': { input: 2, output: 8 },
};

export function costOf(model: string, usage: TokenUsage, prices: Record<string, ModelPrice>): number {
  const price = prices[model] ?? DEFAULT_PRICES[model];
  if (!price) return 0;
  return (usage.input * price.input + usage.output * price.output) / 1_000_000;
}
