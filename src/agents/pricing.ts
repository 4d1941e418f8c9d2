import type { TokenUsage } from '../investigation/types';
import type { ModelUsage } from './model';

/** USD per 1M tokens (input, output): public list prices, standard global deployments. */
export const PRICES: Readonly<Record<string, { input: number; output: number }>> = {
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'gpt-4.1': { input: 2, output: 8 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'o4-mini': { input: 1.1, output: 4.4 },
  scripted: { input: 0, output: 0 },
};

/** Longest key first, so "gpt-4o-mini-2024-07-18" resolves to gpt-4o-mini and not gpt-4o. */
const KEYS = Object.keys(PRICES).sort((a, b) => b.length - a.length);

/**
 * The price entry for a model name as the API reports it (versioned names resolve by prefix). Unknown
 * models are priced like the dearest entry (gpt-4o) so a case's cost is never under-reported.
 */
export function priceFor(model: string): { input: number; output: number; known: boolean } {
  const m = model.toLowerCase();
  const key = KEYS.find((k) => m === k || m.startsWith(`${k}-`));
  if (key) return { ...PRICES[key]!, known: true };
  return { ...PRICES['gpt-4o']!, known: false };
}

export function usdFor(model: string, usage: ModelUsage): number {
  const p = priceFor(model);
  return (usage.inputTokens * p.input + usage.outputTokens * p.output) / 1_000_000;
}

/** One model call's usage with its price. */
export function priced(model: string, usage: ModelUsage): TokenUsage {
  return {
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    totalTokens: usage.inputTokens + usage.outputTokens,
    usd: usdFor(model, usage),
  };
}

export const ZERO_USAGE: TokenUsage = Object.freeze({
  inputTokens: 0,
  outputTokens: 0,
  totalTokens: 0,
  usd: 0,
});

/** Sum of usages (a specialist's calls, a round's specialists, a case's rounds). */
export function sumUsage(usages: readonly TokenUsage[]): TokenUsage {
  const total = usages.reduce(
    (acc, u) => ({
      inputTokens: acc.inputTokens + u.inputTokens,
      outputTokens: acc.outputTokens + u.outputTokens,
      totalTokens: acc.totalTokens + u.totalTokens,
      usd: acc.usd + u.usd,
    }),
    { ...ZERO_USAGE },
  );
  // Float sums of micro-dollars drift; 1e-9 USD is far below any price step.
  return { ...total, usd: Math.round(total.usd * 1e9) / 1e9 };
}
