import type { RuleName, Severity } from '../detection/schema';
import type { Explanation } from '../investigation/types';

/**
 * The auto-clear policy: when a case may close itself without an analyst. Pure and deterministic (the
 * orchestration's decision rests on it); tested at every boundary in test/unit/review/policy-autoclear.test.ts.
 *
 * A case may clear itself only when all of these hold:
 *  1. no finding is degraded (a fallback score without tool evidence never clears);
 *  2. the aggregate risk is a number below the threshold;
 *  3. when the case is *elevated* — one of its alerts is critical, or two or more different rules fired
 *     (corroborating signals) — every alert is covered by a concrete benign explanation found in the data
 *     and verified by code (a travel notice, a registered or known device, the customer's own history of
 *     such spending, API use or data use…). A low score alone never clears a multi-signal pattern.
 * A single non-critical alert below the threshold clears on the score (its explanation is shown if any).
 * Manual alerts count like rule alerts; a manual alert's rule does not corroborate anything by itself.
 */

export interface PolicyAlert {
  alertId: string;
  rule: RuleName;
  severity: Severity;
}

export interface ClearanceInput {
  riskScore: number;
  /** Any finding degraded (or a specialist missing). */
  degraded: boolean;
  threshold: number;
  /** Every alert of the case so far: the one that opened it and those attached since. */
  alerts: readonly PolicyAlert[];
  /** Verified explanations (with the alert ids each covers). */
  explanations: readonly Explanation[];
}

export interface Clearance {
  autoClear: boolean;
  /** One sentence the case view shows: why it cleared, or why a human must look. */
  reason: string;
  /** Critical alert or two corroborating rules. */
  elevated: boolean;
  /** Alerts (`rule alertId`) no explanation covers, when that is what keeps the case open. */
  unexplained: string[];
  /** The explanations the decision rests on (those covering at least one alert). */
  explanations: Explanation[];
}

const KIND_TEXT: Record<Explanation['kind'], string> = {
  travel_notice: 'travel notice',
  registered_device: 'registered device',
  known_device: 'known device',
  known_location: 'a country the customer often uses',
  usual_merchant: "the customer's own history at this merchant",
  matching_purchase: 'a matching earlier purchase',
  api_history: "the customer's own history of such API use",
  usage_history: "the customer's own history of such data use",
  hotspot_pass: 'a hotspot pass bought for it',
  self_service_reset: 'a self-service password reset from a known device',
};

export function describeExplanation(e: Explanation): string {
  return `${KIND_TEXT[e.kind]} ${e.ref}`;
}

export function isElevated(alerts: readonly PolicyAlert[]): boolean {
  const rules = new Set(alerts.filter((a) => a.rule !== 'manual').map((a) => a.rule));
  return alerts.some((a) => a.severity === 'critical') || rules.size >= 2;
}

export function clearanceFor(input: ClearanceInput): Clearance {
  const alerts = dedupe(input.alerts);
  const elevated = isElevated(alerts);
  const covered = new Set(input.explanations.flatMap((e) => e.covers));
  const relevant = input.explanations.filter((e) =>
    e.covers.some((id) => alerts.some((a) => a.alertId === id)),
  );
  const unexplained = alerts.filter((a) => !covered.has(a.alertId)).map((a) => `${a.rule} ${a.alertId}`);
  const base = { elevated, explanations: relevant };
  const risk = Number.isFinite(input.riskScore) ? input.riskScore.toFixed(2) : String(input.riskScore);

  if (input.degraded)
    return {
      ...base,
      autoClear: false,
      unexplained: [],
      reason: 'A finding is degraded (a fallback score no tool evidence backs): a human decides.',
    };
  if (!Number.isFinite(input.riskScore))
    return { ...base, autoClear: false, unexplained: [], reason: `Risk is not a number (${risk}).` };
  if (input.riskScore >= input.threshold)
    return {
      ...base,
      autoClear: false,
      unexplained: [],
      reason: `Risk ${risk} is at or above the threshold ${input.threshold}.`,
    };
  const because = relevant.length ? `; explained by ${relevant.map(describeExplanation).join(', ')}` : '';
  if (!elevated)
    return {
      ...base,
      autoClear: true,
      unexplained: [],
      reason: `Risk ${risk} is below the threshold ${input.threshold} on a single non-critical signal${because}.`,
    };
  const why = elevatedWhy(alerts);
  if (unexplained.length > 0)
    return {
      ...base,
      autoClear: false,
      unexplained,
      reason:
        `Risk ${risk} is below the threshold, but ${why} and no benign explanation found in the data covers ` +
        `${unexplained.length === alerts.length ? 'any of them' : unexplained.join(', ')}: a human decides.`,
    };
  return {
    ...base,
    autoClear: true,
    unexplained: [],
    reason: `Risk ${risk} is below the threshold and ${why}, each explained by ${relevant.map(describeExplanation).join(', ')}.`,
  };
}

function elevatedWhy(alerts: readonly PolicyAlert[]): string {
  const critical = alerts.filter((a) => a.severity === 'critical').map((a) => a.rule);
  const rules = [...new Set(alerts.filter((a) => a.rule !== 'manual').map((a) => a.rule))];
  const parts: string[] = [];
  if (critical.length) parts.push(`a critical alert fired (${[...new Set(critical)].join(', ')})`);
  if (rules.length >= 2) parts.push(`${rules.length} rules corroborate (${rules.join(', ')})`);
  return parts.join(' and ');
}

function dedupe(alerts: readonly PolicyAlert[]): PolicyAlert[] {
  const seen = new Set<string>();
  return alerts.filter((a) => (seen.has(a.alertId) ? false : (seen.add(a.alertId), true)));
}
