import { describe, expect, it } from 'vitest';
import { priceFor, priced, sumUsage, usdFor } from '../../../src/agents/pricing';

describe('price table', () => {
  it('prices a call from the per-million input and output rates', () => {
    // gpt-4o: $2.50 in, $10 out per 1M tokens
    expect(usdFor('gpt-4o', { inputTokens: 1_000_000, outputTokens: 0 })).toBeCloseTo(2.5, 9);
    expect(usdFor('gpt-4o', { inputTokens: 2_000, outputTokens: 500 })).toBeCloseTo(0.005 + 0.005, 9);
    expect(usdFor('gpt-4.1-mini', { inputTokens: 10_000, outputTokens: 1_000 })).toBeCloseTo(
      0.004 + 0.0016,
      9,
    );
    expect(usdFor('o4-mini', { inputTokens: 1_000, outputTokens: 1_000 })).toBeCloseTo(0.0011 + 0.0044, 9);
  });

  it('resolves versioned model names by their longest matching prefix', () => {
    expect(priceFor('gpt-4o-mini-2024-07-18')).toMatchObject({ input: 0.15, output: 0.6, known: true });
    expect(priceFor('gpt-4o-2024-08-06')).toMatchObject({ input: 2.5, known: true });
    expect(priceFor('gpt-4.1-mini-2025-04-14')).toMatchObject({ input: 0.4, known: true });
    expect(priceFor('GPT-4.1')).toMatchObject({ input: 2, known: true });
  });

  it('charges nothing for the scripted model', () => {
    expect(priced('scripted', { inputTokens: 5_000, outputTokens: 700 })).toEqual({
      inputTokens: 5_000,
      outputTokens: 700,
      totalTokens: 5_700,
      usd: 0,
    });
  });

  it('prices an unknown model like the dearest entry so cost is never under-reported', () => {
    expect(priceFor('llama-3.1-70b')).toEqual({ input: 2.5, output: 10, known: false });
  });

  it('sums a case without floating-point dust', () => {
    const calls = Array.from({ length: 10 }, () =>
      priced('gpt-4o-mini', { inputTokens: 1_000, outputTokens: 100 }),
    );
    expect(sumUsage(calls)).toEqual({
      inputTokens: 10_000,
      outputTokens: 1_000,
      totalTokens: 11_000,
      usd: 0.0021,
    });
    expect(sumUsage([])).toEqual({ inputTokens: 0, outputTokens: 0, totalTokens: 0, usd: 0 });
  });
});
