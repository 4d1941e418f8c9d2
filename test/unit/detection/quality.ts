import { initialProfile, type ProfileState } from '../../../src/detection/profile';
import { evaluate, type CustomerBaseline } from '../../../src/detection/rules';
import type { RuleSettings } from '../../../src/detection/settings';
import {
  ANOMALY_PATTERNS,
  simulatorStep,
  type AnomalyPattern,
  type LabelledEvent,
  type SimCustomer,
  type SimulatorSettings,
} from '../../../src/detection/simulator';

/** Simulator output for `ticks` ticks, 3 s apart. */
export function simulate(
  settings: SimulatorSettings,
  ticks: number,
  startMs = Date.UTC(2026, 0, 1),
): LabelledEvent[] {
  let state = null;
  const out: LabelledEvent[] = [];
  for (let k = 1; k <= ticks; k++) {
    const step = simulatorStep(state, settings, startMs + k * 3000);
    state = step.state;
    out.push(...step.events);
  }
  return out;
}

export interface PatternScore {
  anomalies: number;
  detected: number;
  alerts: number;
  truePositives: number;
  recall: number;
  precision: number;
}

/**
 * Runs labelled events through the rules and scores each pattern against the rule of the same name:
 * recall = injected anomalies with at least one event the rule fired on (alerted or dedup-suppressed);
 * precision = alerts of that rule whose triggering event carries that pattern's label.
 */
export function score(
  events: readonly LabelledEvent[],
  settings: RuleSettings,
  customers: readonly SimCustomer[],
  withBaseline: boolean,
): Record<AnomalyPattern, PatternScore> {
  const baselines = new Map<string, CustomerBaseline>(
    customers.map((c) => [
      c.customerId,
      { homeCountries: c.homeCountries, avgTransaction: c.avgTransaction, avgDailyMb: c.avgDailyMb },
    ]),
  );
  const states = new Map<string, ProfileState>();
  const anomalies = new Map<string, AnomalyPattern>();
  const detected = new Set<string>();
  const tally = Object.fromEntries(
    ANOMALY_PATTERNS.map((p) => [p, { alerts: 0, truePositives: 0 }]),
  ) as Record<AnomalyPattern, { alerts: number; truePositives: number }>;
  for (const { event, truth } of events) {
    if (truth) anomalies.set(truth.anomalyId, truth.pattern);
    const state = states.get(event.customerId) ?? initialProfile(event.customerId);
    const r = evaluate(state, event, settings, withBaseline ? baselines.get(event.customerId) : undefined);
    states.set(event.customerId, r.state);
    for (const rule of [...r.alerts.map((a) => a.rule), ...r.suppressed]) {
      if (truth && truth.pattern === rule) detected.add(truth.anomalyId);
    }
    for (const alert of r.alerts) {
      // Rules for patterns the simulator never injects (card testing) are not scored here.
      const t = tally[alert.rule as AnomalyPattern] as (typeof tally)[AnomalyPattern] | undefined;
      if (!t) continue;
      t.alerts++;
      if (truth?.pattern === alert.rule) t.truePositives++;
    }
  }
  const result = {} as Record<AnomalyPattern, PatternScore>;
  for (const p of ANOMALY_PATTERNS) {
    const ids = [...anomalies].filter(([, pattern]) => pattern === p).map(([id]) => id);
    const found = ids.filter((id) => detected.has(id)).length;
    const { alerts, truePositives } = tally[p];
    result[p] = {
      anomalies: ids.length,
      detected: found,
      alerts,
      truePositives,
      recall: ids.length ? found / ids.length : 1,
      precision: alerts ? truePositives / alerts : 1,
    };
  }
  return result;
}
