/**
 * A deterministic token estimate (≈ 4 characters per token for English and JSON). Used by the scripted
 * model's usage and by prompt budgets; real models report their own counts.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
