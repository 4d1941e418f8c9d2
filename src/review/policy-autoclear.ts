import type { RuleName, Severity } from '../detection/schema';
import {
  ExplanationKind,
  type Clearance,
  type Coverage,
  type Explanation,
  type SpecialistName,
} from '../investigation/types';

export type { Clearance, Coverage };

/**
 * The auto-clear policy: when a case may close itself without an analyst. Pure and deterministic (the
 * orchestration's decision rests on it); tested at every boundary in test/unit/review/policy-autoclear.test.ts.
 *
 * A *signal* is one alert of the case. A *strong* signal is an alert of severity high or critical, an
 * alert of a rule no benign reason can explain (EXPLAINS lists nothing for it: whatever its severity, only
 * an analyst clears it), or any alert of a case where two or more different rules fired (they corroborate
 * each other). A signal is
 * *covered* only by a verified explanation (code checked it against the data) of a kind that can explain
 * that rule (EXPLAINS below): a travel notice explains where a sign-in came from, not a burst of failed
 * passwords; a registered device explains a data spike on that phone, not a sign-in from a new country;
 * the customer's history at a merchant explains the amount spent there, not a refund or card testing.
 *
 * A case clears itself only when every rule below lets it, checked in this order:
 *  R1 no finding is degraded (a fallback score without tool evidence never clears);
 *  R2 the aggregate risk is a number below the threshold;
 *  R3 no evidence-backed specialist finding is at or above the threshold — specialists score after weighing
 *     the explanations they found, so a strong finding is unexplained evidence however the mean dilutes it;
 *  R4 every strong signal (high/critical alert, an unexplainable rule's alert, every alert when two rules
 *     corroborate) is covered.
 * Otherwise a single medium or low alert below the threshold clears on the score; the explanation that
 * covers it, if any, is shown. A manual alert corroborates nothing and is strong only when critical.
 */

export interface PolicyAlert {
  alertId: string;
  rule: RuleName;
  severity: Severity;
}

export interface PolicyFinding {
  specialist: SpecialistName;
  riskScore: number;
  degraded: boolean;
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
  /** The round's specialist findings (their scores; R3). Absent from rounds scheduled by older builds. */
  findings?: readonly PolicyFinding[];
}

/** Which kinds of explanation can explain which rule's signal. A rule missing here is never explained. */
export const EXPLAINS: Readonly<Record<RuleName, readonly ExplanationKind[]>> = {
  new_country_login: ['travel_notice', 'known_location'],
  auth_failure_burst: ['self_service_reset'],
  large_transaction: ['usual_merchant', 'matching_purchase', 'travel_notice'],
  transaction_burst: [],
  data_usage_spike: ['registered_device', 'usage_history', 'hotspot_pass', 'travel_notice'],
  api_call_burst: ['api_history'],
  export_volume: ['api_history'],
  cramming: [],
  security_change_chain: [],
  // A manual alert measured nothing: whatever explains the signal the analyst saw may explain it.
  manual: ExplanationKind.options,
};

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

/** Two or more different rules (manual excluded) fired: each corroborates the other. */
export function corroborated(alerts: readonly PolicyAlert[]): boolean {
  return new Set(alerts.filter((a) => a.rule !== 'manual').map((a) => a.rule)).size >= 2;
}

/**
 * Alerts that need a matching explanation before the case may clear (R4). A manual alert measured
 * nothing (its default severity, high, asks for a look): the findings judge it (R3), and only a critical
 * one needs an explanation of its own.
 */
export function strongSignals(alerts: readonly PolicyAlert[]): PolicyAlert[] {
  if (corroborated(alerts)) return [...alerts];
  return alerts.filter((a) =>
    a.rule === 'manual'
      ? a.severity === 'critical'
      : a.severity === 'high' || a.severity === 'critical' || unexplainable(a.rule),
  );
}

/** A pattern no benign reason explains (card testing, cramming, a chain of security changes). */
export function unexplainable(rule: RuleName): boolean {
  return EXPLAINS[rule].length === 0;
}

export function isElevated(alerts: readonly PolicyAlert[]): boolean {
  return strongSignals(alerts).length > 0;
}

/** Per alert, the first verified explanation that covers it and can explain its rule. */
export function coverageOf(alerts: readonly PolicyAlert[], explanations: readonly Explanation[]): Coverage[] {
  return alerts.flatMap((a) => {
    const e = explanations.find((x) => x.covers.includes(a.alertId) && EXPLAINS[a.rule].includes(x.kind));
    return e ? [{ alertId: a.alertId, rule: a.rule, by: `${e.kind} ${e.ref}` }] : [];
  });
}

export function clearanceFor(input: ClearanceInput): Clearance {
  const alerts = dedupe(input.alerts);
  const coverage = coverageOf(alerts, input.explanations);
  const relevant = input.explanations.filter((e) => coverage.some((c) => c.by === `${e.kind} ${e.ref}`));
  const strongFindings = (input.findings ?? []).filter(
    (f) => !f.degraded && Number.isFinite(f.riskScore) && f.riskScore >= input.threshold,
  );
  const strong = strongSignals(alerts);
  const elevated = strong.length > 0 || strongFindings.length > 0;
  const base = { elevated, explanations: relevant, coverage };
  const held = (reason: string, unexplained: string[] = []): Clearance => ({
    ...base,
    autoClear: false,
    unexplained,
    reason,
  });
  const risk = Number.isFinite(input.riskScore) ? input.riskScore.toFixed(2) : String(input.riskScore);

  if (input.degraded)
    return held('A finding is degraded (a fallback score no tool evidence backs): a human decides.');
  if (!Number.isFinite(input.riskScore)) return held(`Risk is not a number (${risk}).`);
  if (input.riskScore >= input.threshold)
    return held(`Risk ${risk} is at or above the threshold ${input.threshold}.`);
  if (strongFindings.length > 0)
    return held(
      `Risk ${risk} is below the threshold, but ${strongFindings
        .map((f) => `${f.specialist} found ${f.riskScore.toFixed(2)}`)
        .join(
          ' and ',
        )} (at or above ${input.threshold}) after weighing the explanations it found: a human decides.`,
    );
  const covered = new Set(coverage.map((c) => c.alertId));
  const unexplained = strong.filter((a) => !covered.has(a.alertId)).map((a) => `${a.rule} ${a.alertId}`);
  const because = coverage.length
    ? `; ${coverage.map((c) => `${c.rule} explained by ${describeCoverage(c, relevant)}`).join(', ')}`
    : '';
  if (strong.length === 0)
    return {
      ...base,
      autoClear: true,
      unexplained: [],
      reason: `Risk ${risk} is below the threshold ${input.threshold} on ${alerts.length ? 'medium or low signals only' : 'no alert'}${because}.`,
    };
  const why = elevatedWhy(alerts);
  if (unexplained.length > 0)
    return held(
      `Risk ${risk} is below the threshold, but ${why} and no benign explanation found in the data that can ` +
        `explain ${unexplained.length === strong.length && strong.length > 1 ? 'them covers any of them' : `it covers ${unexplained.join(', ')}`}: a human decides.`,
      unexplained,
    );
  return {
    ...base,
    autoClear: true,
    unexplained: [],
    reason: `Risk ${risk} is below the threshold and ${why}, each covered${because}.`,
  };
}

function describeCoverage(c: Coverage, explanations: readonly Explanation[]): string {
  const e = explanations.find((x) => `${x.kind} ${x.ref}` === c.by);
  return e ? describeExplanation(e) : c.by;
}

function elevatedWhy(alerts: readonly PolicyAlert[]): string {
  const severe = alerts.filter((a) => a.severity === 'critical' || a.severity === 'high');
  const rules = [...new Set(alerts.filter((a) => a.rule !== 'manual').map((a) => a.rule))];
  const parts: string[] = [];
  if (severe.length)
    parts.push(
      `${severe.length === 1 ? 'a' : severe.length} ${[...new Set(severe.map((a) => a.severity))].join('/')} alert${severe.length === 1 ? '' : 's'} fired (${[...new Set(severe.map((a) => a.rule))].join(', ')})`,
    );
  if (rules.length >= 2) parts.push(`${rules.length} rules corroborate (${rules.join(', ')})`);
  return parts.join(' and ');
}

function dedupe(alerts: readonly PolicyAlert[]): PolicyAlert[] {
  const seen = new Set<string>();
  return alerts.filter((a) => (seen.has(a.alertId) ? false : (seen.add(a.alertId), true)));
}
