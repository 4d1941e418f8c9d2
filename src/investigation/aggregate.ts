import type { Severity } from '../detection/schema';
import { modelFor, type Models } from '../agents/model';
import { priced, ZERO_USAGE } from '../agents/pricing';
import { quoteData, UNTRUSTED_DATA_RULE } from '../agents/untrusted';
import { severityFallbackScore } from './fallback';
import type { ActionName, Explanation, Findings, RiskLevel, SpecialistName, TokenUsage } from './types';

/** Weights of the reference implementation: account takeover (location) weighs most. */
export const WEIGHTS: Readonly<Record<SpecialistName, number>> = { usage: 0.3, location: 0.4, billing: 0.3 };
/** A specialist score at or above this is a "high" signal that can drive an action. */
export const HIGH_SIGNAL = 0.6;
const SPECIALISTS: readonly SpecialistName[] = ['usage', 'location', 'billing'];
/**
 * A weighted mean lets one dimension reach at most 0.4 × its score, so clear single-area fraud (impossible
 * travel alone, cramming alone) would auto-clear. The risk is therefore never below this fraction of the
 * strongest evidence-backed (non-degraded) specialist score: 0.97 alone gives 0.73, a human looks.
 */
export const SINGLE_SIGNAL_FLOOR = 0.75;
/**
 * Corroboration: two or more specialists that each find an evidence-backed signal of at least this score
 * (e.g. an unknown device signing in and an unexplained large purchase) make a multi-signal pattern, which
 * reaches the analyst however the weighted mean falls: the risk is lifted to the action threshold.
 */
export const CORROBORATING_SIGNAL = 0.45;

export interface RiskAggregate {
  riskScore: number;
  level: RiskLevel;
  recommendedAction: ActionName;
  /** True when any specialist's score is a fallback (degraded or missing). */
  degraded: boolean;
  /** The score used per specialist (the fallback for a missing one). */
  scores: Record<SpecialistName, number>;
  missing: SpecialistName[];
}

export interface AggregateOptions {
  /** Alert severity: picks the fallback score of a missing specialist (default high: fail closed). */
  severity?: Severity;
  /** Below this risk the recommendation is clear (default 0.6, the case's RISK_THRESHOLD). */
  actionThreshold?: number;
}

export function riskLevel(score: number): RiskLevel {
  if (score >= 0.8) return 'critical';
  if (score >= 0.6) return 'high';
  if (score >= 0.4) return 'medium';
  return 'low';
}

/**
 * Code, not the model, decides the number and the action.
 *
 * risk = 0.3·usage + 0.4·location + 0.3·billing, rounded to 6 decimals (so 0.6 is 0.6, not
 * 0.6000000000000001). A missing specialist counts with its severity fallback and marks the aggregate
 * degraded (fail closed: the orchestration never auto-clears a degraded round).
 *
 * Action rule, with "high" meaning a specialist score ≥ 0.6:
 * - risk below `actionThreshold` (0.6)                                → clear
 * - billing high (with real evidence) and location or usage high     → both
 * - billing high (with real evidence), no takeover signal            → refund_charges
 * - otherwise (location or usage drive the risk)                     → lock_account
 * Money only moves on evidence: a degraded billing score can raise the risk (and so force review) but
 * never recommends a refund; the protective action, a lock, is what a degraded round can recommend.
 * The risk is the weighted mean, floored at SINGLE_SIGNAL_FLOOR × the strongest evidence-backed score,
 * and lifted to the threshold when two specialists corroborate (CORROBORATING_SIGNAL).
 */
export function aggregateRisk(
  findings: readonly Findings[],
  /** Options, or just the case's risk threshold (the clear/act boundary, default 0.6). */
  opts: AggregateOptions | number = {},
): RiskAggregate {
  const o = typeof opts === 'number' ? { actionThreshold: opts } : opts;
  const severity = o.severity ?? 'high';
  const threshold = o.actionThreshold ?? 0.6;
  const bySpecialist = new Map(findings.map((f) => [f.specialist, f]));
  const missing = SPECIALISTS.filter((s) => !bySpecialist.has(s));
  const scores = Object.fromEntries(
    SPECIALISTS.map((s) => [s, bySpecialist.get(s)?.riskScore ?? severityFallbackScore(s, severity)]),
  ) as Record<SpecialistName, number>;
  const weighted = SPECIALISTS.reduce((sum, s) => sum + WEIGHTS[s] * scores[s], 0);
  const backed = findings.filter((f) => !f.degraded);
  const strongest = Math.max(0, ...backed.map((f) => f.riskScore));
  const corroborated = backed.filter((f) => f.riskScore >= CORROBORATING_SIGNAL).length >= 2;
  const raw = Math.max(weighted, SINGLE_SIGNAL_FLOOR * strongest, corroborated ? threshold : 0);
  const riskScore = Math.min(1, Math.max(0, Math.round(raw * 1e6) / 1e6));
  const degraded = missing.length > 0 || findings.some((f) => f.degraded);

  const billingEvidence = scores.billing >= HIGH_SIGNAL && bySpecialist.get('billing')?.degraded === false;
  const takeover = scores.location >= HIGH_SIGNAL || scores.usage >= HIGH_SIGNAL;
  let recommendedAction: ActionName;
  if (riskScore < threshold) recommendedAction = 'clear';
  else if (billingEvidence && takeover) recommendedAction = 'both';
  else if (billingEvidence) recommendedAction = 'refund_charges';
  else recommendedAction = 'lock_account';

  return { riskScore, level: riskLevel(riskScore), recommendedAction, degraded, scores, missing };
}

export const REASONING_SYSTEM_PROMPT = [
  'ROLE: aggregator',
  'You write the reasoning an analyst reads before deciding a fraud case. The risk score, level and',
  'recommended action are already decided by code; restate them, never change or argue for another action.',
  'In 3 to 6 sentences explain which specialist findings drive the risk, which do not, what is uncertain',
  '(degraded findings are fallback scores without tool evidence) and what the analyst should check.',
  'If analyst feedback is given, say how this round addressed it. Plain prose, no JSON, no markdown.',
  UNTRUSTED_DATA_RULE,
].join('\n');

/**
 * The model writes only prose around the decided numbers. It never fails the round: a model error or
 * an empty answer gives the deterministic template instead.
 */
export async function writeReasoning(
  findings: readonly Findings[],
  aggregate: RiskAggregate,
  models: Models,
  opts: { feedback?: readonly string[]; signal?: AbortSignal } = {},
): Promise<{ reasoning: string; usage: TokenUsage }> {
  const facts = {
    riskScore: aggregate.riskScore,
    level: aggregate.level,
    recommendedAction: aggregate.recommendedAction,
    degraded: aggregate.degraded,
    findings: findings.map((f) => ({
      specialist: f.specialist,
      riskScore: f.riskScore,
      degraded: f.degraded,
      summary: f.summary,
      evidence: f.evidence.slice(0, 5),
    })),
    missingSpecialists: aggregate.missing,
    analystFeedback: opts.feedback ?? [],
  };
  try {
    const res = await modelFor(models).complete({
      messages: [
        { role: 'system', content: REASONING_SYSTEM_PROMPT },
        {
          role: 'user',
          content: `Write the reasoning for this assessment.\n${quoteData('assessment', facts, 12_000)}`,
        },
      ],
      tools: [],
      temperature: 0.2,
      maxTokens: 600,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    const text = (res.message.content ?? '').trim();
    const usage = priced(res.model, res.usage);
    return { reasoning: text ? text.slice(0, 8000) : templateReasoning(findings, aggregate), usage };
  } catch {
    return { reasoning: templateReasoning(findings, aggregate), usage: { ...ZERO_USAGE } };
  }
}

/** The reasoning code writes when no model can. */
export function templateReasoning(findings: readonly Findings[], a: RiskAggregate): string {
  const parts = findings.map(
    (f) => `${f.specialist} ${f.riskScore.toFixed(2)}${f.degraded ? ' (degraded: no tool evidence)' : ''}`,
  );
  return (
    `Aggregate risk ${a.riskScore.toFixed(2)} (${a.level}); recommended action: ${a.recommendedAction}. ` +
    `Specialist scores: ${parts.join(', ') || 'none'}.` +
    (a.missing.length
      ? ` Missing specialists counted at their severity fallback: ${a.missing.join(', ')}.`
      : '') +
    (a.degraded ? ' Some scores are fallbacks, so a human must review this case.' : '')
  );
}

/** The verified explanations of a round's evidence-backed findings, each once. */
export function explanationsOf(findings: readonly Findings[]): Explanation[] {
  const out: Explanation[] = [];
  for (const f of findings)
    if (!f.degraded)
      for (const e of f.explanations ?? []) {
        const same = out.find((x) => x.kind === e.kind && x.ref === e.ref);
        if (same) same.covers = [...new Set([...same.covers, ...e.covers])];
        else out.push({ ...e, covers: [...e.covers] });
      }
  return out;
}
