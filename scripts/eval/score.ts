import type { CaseOutcome, RunResult } from './run';
import type { Corpus, LabelledCase } from './corpus/types';

/**
 * The scorecard, computed from the corpus' labels and the outcomes the app produced. Pure.
 *
 * A labelled case "reaches an analyst" when any case of its customer waited for a decision or was
 * escalated; it is "auto-cleared" when every case of its customer cleared itself; "no alert" when no
 * rule fired at all (the rules missed it). Every case of the corpus is on its own customer.
 */
export type Verdict = 'analyst' | 'auto_cleared' | 'no_alert' | 'unsettled';

export interface FamilyRow {
  family: string;
  label: 'fraud' | 'benign';
  cases: number;
  analyst: number;
  autoCleared: number;
  noAlert: number;
  unsettled: number;
  /** fraud: share that reached an analyst; benign: share sent to an analyst. */
  rate: number;
  clean: { cases: number; analyst: number };
  dirty: { cases: number; analyst: number };
}

export interface RuleRow {
  rule: string;
  alerts: number;
  onFraud: number;
  onBenign: number;
  onBackground: number;
  precision: number;
  /** Fraud cases in which this rule fired. */
  fraudCasesFlagged: number;
}

export interface Goal {
  name: string;
  target: string;
  value: number;
  shown: string;
  met: boolean;
}

export interface Scorecard {
  seed: number;
  model: string;
  events: number;
  cases: { fraud: number; benign: number; background: number };
  families: FamilyRow[];
  fraud: { cases: number; reachedAnalyst: number; recall: number; autoCleared: number; noAlert: number; unsettled: number };
  benign: { cases: number; sentToAnalyst: number; rate: number; autoCleared: number; noAlert: number; unclearableFamilies: string[] };
  background: { customers: number; events: number; cases: number; sentToAnalyst: number };
  analystLoadPer1000Events: { lookAlikes: number; allNonFraud: number; all: number };
  rules: RuleRow[];
  detectionRecall: number;
  modelReach: {
    benignEvents: number;
    /** Benign events that were part of an alert a model investigated (the goal's measure). */
    inInvestigatedAlerts: number;
    neverReached: number;
    /** Benign events of customers a model investigated (its tools could read all of them). */
    readable: number;
    neverReadable: number;
  };
  perCase: { tokensMean: number; tokensP95: number; usdMean: number; usdTotal: number };
  latencyMs: { p50: number; p95: number; samples: number };
  wallSeconds: { ingest: number; settle: number };
  goals: Goal[];
  verdict: string;
  autoClearedFraud: Array<{ id: string; customerId: string; reason?: string }>;
  /** Every labelled case with what happened to it (for reading a miss). */
  outcomes: Array<{
    id: string;
    family: string;
    label: string;
    history: string;
    customerId: string;
    verdict: Verdict;
    rules: string[];
    risk?: number;
    clearance?: string;
    params: LabelledCase['params'];
  }>;
  unsettled: string[];
  shortfalls: string[];
}

export function score(corpus: Corpus, run: RunResult): Scorecard {
  const byCustomer = new Map<string, CaseOutcome[]>();
  for (const o of run.cases) byCustomer.set(o.customerId, [...(byCustomer.get(o.customerId) ?? []), o]);
  const verdictOf = (customerId: string): Verdict => {
    const os = byCustomer.get(customerId) ?? [];
    if (os.length === 0) return 'no_alert';
    if (os.some((o) => o.stage === 'awaiting_decision' || (o.outcome && o.outcome !== 'auto_cleared'))) return 'analyst';
    if (os.every((o) => o.outcome === 'auto_cleared')) return 'auto_cleared';
    return 'unsettled';
  };
  const verdicts = new Map(corpus.cases.map((c) => [c.id, verdictOf(c.customerId)]));
  const count = (cs: LabelledCase[], v: Verdict) => cs.filter((c) => verdicts.get(c.id) === v).length;

  const familyNames = [...new Set(corpus.cases.map((c) => c.family))];
  const families: FamilyRow[] = familyNames.map((family) => {
    const cs = corpus.cases.filter((c) => c.family === family);
    const label = cs[0]!.label;
    const analyst = count(cs, 'analyst');
    const part = (h: 'clean' | 'dirty') => {
      const x = cs.filter((c) => c.history === h);
      return { cases: x.length, analyst: count(x, 'analyst') };
    };
    return {
      family,
      label,
      cases: cs.length,
      analyst,
      autoCleared: count(cs, 'auto_cleared'),
      noAlert: count(cs, 'no_alert'),
      unsettled: count(cs, 'unsettled'),
      rate: cs.length ? analyst / cs.length : 0,
      clean: part('clean'),
      dirty: part('dirty'),
    };
  });

  const fraud = corpus.cases.filter((c) => c.label === 'fraud');
  const benign = corpus.cases.filter((c) => c.label === 'benign');
  const events = run.eventsPosted;
  const bgCustomers = new Set(corpus.background.map((b) => b.customerId));
  const bgCases = run.cases.filter((o) => bgCustomers.has(o.customerId));
  const bgToAnalyst = [...bgCustomers].filter((id) => verdictOf(id) === 'analyst').length;
  const benignToAnalyst = count(benign, 'analyst');

  const labelOf = new Map(corpus.cases.map((c) => [c.customerId, c.label] as const));
  const ruleNames = [...new Set(run.cases.flatMap((o) => o.alerts.map((a) => a.rule)))].sort();
  const rules: RuleRow[] = ruleNames.map((rule) => {
    const hits = run.cases.flatMap((o) => o.alerts.filter((a) => a.rule === rule).map(() => labelOf.get(o.customerId)));
    const onFraud = hits.filter((l) => l === 'fraud').length;
    return {
      rule,
      alerts: hits.length,
      onFraud,
      onBenign: hits.filter((l) => l === 'benign').length,
      onBackground: hits.filter((l) => l === undefined).length,
      precision: hits.length ? onFraud / hits.length : 0,
      fraudCasesFlagged: fraud.filter((c) => (byCustomer.get(c.customerId) ?? []).some((o) => o.alerts.some((a) => a.rule === rule))).length,
    };
  });

  const benignCustomers = new Set([...benign.map((c) => c.customerId), ...bgCustomers]);
  const benignEvents =
    benign.reduce((s, c) => s + c.prelude.length + c.pattern.length, 0) + corpus.background.reduce((s, b) => s + b.events.length, 0);
  const eventsOf = new Map<string, number>([
    ...corpus.cases.map((c) => [c.customerId, c.prelude.length + c.pattern.length] as const),
    ...corpus.background.map((b) => [b.customerId, b.events.length] as const),
  ]);
  const investigated = run.cases.filter((o) => benignCustomers.has(o.customerId) && o.risk !== undefined);
  const inAlerts = investigated.reduce((s, o) => s + o.alerts.reduce((t, a) => t + a.events, 0), 0);
  const readable = [...new Set(investigated.map((o) => o.customerId))].reduce((s, id) => s + (eventsOf.get(id) ?? 0), 0);

  const tokens = run.cases.map((o) => o.tokens);
  const usd = run.cases.map((o) => o.usd);
  const latencies = run.cases.flatMap((o) => (o.latencyMs === undefined ? [] : [o.latencyMs]));
  const fraudReached = count(fraud, 'analyst');
  const recall = fraud.length ? fraudReached / fraud.length : 1;
  const autoClearedFraud = fraud.filter((c) => verdicts.get(c.id) === 'auto_cleared');
  const unclearable = families.filter((f) => f.label === 'benign' && f.autoCleared === 0).map((f) => f.family);
  const neverReached = benignEvents ? 1 - inAlerts / benignEvents : 1;
  const goals: Goal[] = [
    { name: 'fraud reaching an analyst', target: '≥ 99 %', value: recall, shown: pct(recall), met: recall >= 0.99 },
    { name: 'fraud auto-cleared', target: '0', value: autoClearedFraud.length, shown: String(autoClearedFraud.length), met: autoClearedFraud.length === 0 },
    {
      name: 'benign look-alikes sent to an analyst',
      target: '≤ 5 %',
      value: benign.length ? benignToAnalyst / benign.length : 0,
      shown: pct(benign.length ? benignToAnalyst / benign.length : 0),
      met: (benign.length ? benignToAnalyst / benign.length : 0) <= 0.05,
    },
    { name: 'benign events that never reach a model', target: '≥ 95 %', value: neverReached, shown: pct(neverReached), met: neverReached >= 0.95 },
  ];
  const missed = goals.filter((g) => !g.met);
  const verdict = missed.length
    ? `VERDICT: ${missed.length} of ${goals.length} goals missed — ${missed.map((g) => `${g.name} ${g.shown} (goal ${g.target})`).join('; ')}`
    : `VERDICT: all ${goals.length} goals met — ${goals.map((g) => `${g.name} ${g.shown}`).join('; ')}`;
  return {
    seed: corpus.seed,
    model: run.model,
    events,
    cases: { fraud: fraud.length, benign: benign.length, background: corpus.background.length },
    families,
    fraud: {
      cases: fraud.length,
      reachedAnalyst: fraudReached,
      recall,
      autoCleared: autoClearedFraud.length,
      noAlert: count(fraud, 'no_alert'),
      unsettled: count(fraud, 'unsettled'),
    },
    benign: {
      cases: benign.length,
      sentToAnalyst: benignToAnalyst,
      rate: benign.length ? benignToAnalyst / benign.length : 0,
      autoCleared: count(benign, 'auto_cleared'),
      noAlert: count(benign, 'no_alert'),
      unclearableFamilies: unclearable,
    },
    background: {
      customers: corpus.background.length,
      events: corpus.background.reduce((s, b) => s + b.events.length, 0),
      cases: bgCases.length,
      sentToAnalyst: bgToAnalyst,
    },
    analystLoadPer1000Events: {
      lookAlikes: per1000(benignToAnalyst, events),
      allNonFraud: per1000(benignToAnalyst + bgToAnalyst, events),
      all: per1000(benignToAnalyst + bgToAnalyst + fraudReached, events),
    },
    rules,
    detectionRecall: fraud.length ? fraud.filter((c) => verdicts.get(c.id) !== 'no_alert').length / fraud.length : 1,
    modelReach: { benignEvents, inInvestigatedAlerts: inAlerts, neverReached, readable, neverReadable: benignEvents ? 1 - readable / benignEvents : 1 },
    perCase: {
      tokensMean: mean(tokens),
      tokensP95: quantile(tokens, 0.95),
      usdMean: mean(usd),
      usdTotal: usd.reduce((s, x) => s + x, 0),
    },
    latencyMs: { p50: quantile(latencies, 0.5), p95: quantile(latencies, 0.95), samples: latencies.length },
    wallSeconds: { ingest: run.ingestSeconds, settle: run.settleSeconds },
    goals,
    verdict,
    autoClearedFraud: autoClearedFraud.map((c) => {
      const reason = (byCustomer.get(c.customerId) ?? []).find((o) => o.clearance)?.clearance;
      return { id: c.id, customerId: c.customerId, ...(reason ? { reason } : {}) };
    }),
    outcomes: corpus.cases.map((c) => {
      const os = byCustomer.get(c.customerId) ?? [];
      const last = os.at(-1);
      return {
        id: c.id,
        family: c.family,
        label: c.label,
        history: c.history,
        customerId: c.customerId,
        verdict: verdicts.get(c.id)!,
        rules: [...new Set(os.flatMap((o) => o.alerts.map((a) => a.rule)))],
        ...(last?.risk !== undefined ? { risk: last.risk } : {}),
        ...(last?.clearance ? { clearance: last.clearance } : {}),
        params: c.params,
      };
    }),
    unsettled: run.unsettled,
    shortfalls: corpus.shortfalls,
  };
}

export const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const per1000 = (n: number, events: number) => (events ? (1000 * n) / events : 0);
const mean = (xs: number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : 0);
function quantile(xs: number[], q: number): number {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
}
