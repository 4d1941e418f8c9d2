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

/**
 * Facts in the data that can make an alert benign. A specialist (model) names one by kind and reference
 * (the notice id, device id, merchant, endpoint, order…); code then checks it against the data and records
 * which alerts it really covers. Only verified explanations reach the auto-clear policy.
 */
export const ExplanationKind = z.enum([
  'travel_notice',
  'registered_device',
  'known_device',
  'known_location',
  'usual_merchant',
  'matching_purchase',
  'api_history',
  'usage_history',
  'hotspot_pass',
  'self_service_reset',
]);
export type ExplanationKind = z.infer<typeof ExplanationKind>;

export const Explanation = z.object({
  kind: ExplanationKind,
  ref: z.string().min(1).max(200),
  detail: z.string().max(500),
  /** Alert ids this explanation covers, as verified against the data (empty until verified). */
  covers: z.array(z.string()).max(50).default([]),
});
export type Explanation = z.infer<typeof Explanation>;

/** A live telemetry event a specialist relied on, as the case view shows it. */
export const LiveEvidenceItem = z.object({
  id: z.string(),
  at: z.string(),
  type: z.string(),
  text: z.string().max(300),
});
export type LiveEvidenceItem = z.infer<typeof LiveEvidenceItem>;

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
  /** Benign explanations found in the data, verified by code (see Explanation). */
  explanations: z.array(Explanation).max(20).optional(),
  /** The live events (from the account's live record) the specialist cited, verified as read. */
  liveEvidence: z.array(LiveEvidenceItem).max(15).optional(),
});
export type Findings = z.infer<typeof Findings>;

export const RiskLevel = z.enum(['low', 'medium', 'high', 'critical']);
export type RiskLevel = z.infer<typeof RiskLevel>;

export const ActionName = z.enum(['lock_account', 'refund_charges', 'both', 'clear']);
export type ActionName = z.infer<typeof ActionName>;

/** The aggregate of one round. Code decides riskScore, level and recommendedAction; the model only reasons. */
/** Which explanation covered which alert, as the case view shows it. */
export const Coverage = z.object({
  alertId: z.string(),
  rule: z.string(),
  /** `kind ref` of the explanation. */
  by: z.string(),
});
export type Coverage = z.infer<typeof Coverage>;

/** The auto-clear policy's verdict on a round (src/review/policy-autoclear.ts). */
export const Clearance = z.object({
  autoClear: z.boolean(),
  /** One sentence the case view shows: why it cleared, or why a human must look. */
  reason: z.string(),
  /** Some signal is strong: a high or critical alert, two corroborating rules, or a strong finding. */
  elevated: z.boolean(),
  /** Alerts (`rule alertId`) no matching explanation covers, when that is what keeps the case open. */
  unexplained: z.array(z.string()),
  /** The explanations the decision rests on (those covering at least one alert they can explain). */
  explanations: z.array(Explanation),
  /** Per alert, the explanation that covers it. */
  coverage: z.array(Coverage),
});
export type Clearance = z.infer<typeof Clearance>;

export const Assessment = z.object({
  round: z.number().int().positive(),
  riskScore: z.number().min(0).max(1),
  level: RiskLevel,
  recommendedAction: ActionName,
  reasoning: z.string().max(8000),
  degraded: z.boolean(),
  findings: z.array(Findings),
  usage: TokenUsage,
  /** The auto-clear policy's verdict on this round and why; rounds of older builds have none. */
  clearance: Clearance.extend({ coverage: z.array(Coverage).max(50).optional() }).optional(),
});
export type Assessment = z.infer<typeof Assessment>;
