import { z } from 'zod';

export const SpecialistName = z.enum(['usage', 'location', 'billing']);
export type SpecialistName = z.infer<typeof SpecialistName>;

export const TokenUsage = z.object({
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  totalTokens: z.number().int().nonnegative(),
  usd: z.number().nonnegative(),
});
export type TokenUsage = z.infer<typeof TokenUsage>;

export const ToolCallRecord = z.object({
  name: z.string(),
  args: z.unknown(),
  ok: z.boolean(),
  resultSummary: z.string(),
  durationMs: z.number().nonnegative(),
});

/** One specialist's verdict. `degraded` marks a fallback score that no tool evidence backs. */
export const Findings = z.object({
  specialist: SpecialistName,
  riskScore: z.number().min(0).max(1),
  summary: z.string().max(4000),
  evidence: z.array(z.string().max(1000)).max(20),
  toolCalls: z.array(ToolCallRecord),
  usage: TokenUsage,
  model: z.string(),
  degraded: z.boolean(),
  /** Why the findings are degraded (model failure, no tool calls, unparsable output), when they are. */
  degradedReason: z.string().optional(),
  /** Set when the primary model failed and the secondary answered (first occurrence). */
  modelFallback: z.object({ from: z.string(), to: z.string(), reason: z.string() }).optional(),
});
export type Findings = z.infer<typeof Findings>;

export const RiskLevel = z.enum(['low', 'medium', 'high', 'critical']);
export type RiskLevel = z.infer<typeof RiskLevel>;

export const ActionName = z.enum(['lock_account', 'refund_charges', 'both', 'clear']);
export type ActionName = z.infer<typeof ActionName>;

/** The aggregate of one round. Code decides riskScore, level and recommendedAction; the model only reasons. */
export const Assessment = z.object({
  round: z.number().int().positive(),
  riskScore: z.number().min(0).max(1),
  level: RiskLevel,
  recommendedAction: ActionName,
  reasoning: z.string().max(8000),
  degraded: z.boolean(),
  findings: z.array(Findings),
  usage: TokenUsage,
});
export type Assessment = z.infer<typeof Assessment>;
