import type { CaseOutcome, RunResult } from './run';
import type { Cleanliness, Corpus, CustomerSource, LabelledCase } from './corpus/types';

/**
 * The scorecard, computed from the corpus' labels and the outcomes the app produced. Pure.
 *
 * A labelled case "reaches an analyst" when any case of its customer waited for a decision or was
 * escalated; it is "auto-cleared" when every case of its customer cleared itself; "no alert" when no
 * rule fired at all (the rules missed it). Every case of the corpus is on its own customer.
 *
 * Decision quality counts "sent to an analyst" as the positive call: fraud sent is a true positive,
 * fraud auto-cleared or never alerted a false negative (auto-cleared is the worst defect: the product
 * looked and let it go), a look-alike sent is a false positive (analyst load), a look-alike cleared or
 * never alerted a true negative. Rates carry a 95 % Wilson interval: the corpus is a sample.
 */
export type Verdict = 'analyst' | 'auto_cleared' | 'no_alert' | 'unsettled';

/** A proportion with its 95 % Wilson score interval. */
export interface Rate {
  n: number;
  of: number;
  rate: number;
  lo: number;
  hi: number;
}

export function wilson(n: number, of: number): Rate {
  if (of === 0) return { n, of, rate: 0, lo: 0, hi: 1 };
  const z = 1.96;
  const p = n / of;
  const d = 1 + (z * z) / of;
  const centre = (p + (z * z) / (2 * of)) / d;
  const half = (z * Math.sqrt((p * (1 - p)) / of + (z * z) / (4 * of * of))) / d;
  return { n, of, rate: p, lo: Math.max(0, centre - half), hi: Math.min(1, centre + half) };
}

export interface FamilyRow {
  family: string;
  label: 'fraud' | 'benign';
  cases: number;
  analyst: number;
  autoCleared: number;
  noAlert: number;
  unsettled: number;
  /** fraud: share that reached an analyst (recall); benign: share sent to an analyst (load). */
  rate: Rate;
  /** Share where any rule fired. */
  detected: Rate;
  /** benign: auto-cleared naming a benign explanation found in the data. */
  clearedWithReason: number;
  byHistory: Partial<Record<Cleanliness, { cases: number; analyst: number; autoCleared: number }>>;
}

export interface RuleRow {
  rule: string;
  alerts: number;
  onFraud: number;
  onBenign: number;
  onBackground: number;
  /** Share of the rule's alerts that were on fraud customers. */
  precision: number;
  /** Fraud cases in which this rule fired, of all fraud cases. */
  recall: Rate;
}

export interface Goal {
  name: string;
  target: string;
  value: number;
  shown: string;
  met: boolean;
}

export interface Confusion {
  /** fraud sent to an analyst */
  tp: number;
  /** fraud auto-cleared */
  fnCleared: number;
  /** fraud no rule flagged */
  fnNoAlert: number;
  /** fraud whose case never settled */
  fnUnsettled: number;
  /** look-alikes sent to an analyst */
  fp: number;
  /** look-alikes auto-cleared (with or without a named explanation) */
  tnCleared: number;
  /** look-alikes no rule flagged */
  tnNoAlert: number;
  /** look-alikes whose case never settled */
  benignUnsettled: number;
  precision: Rate;
  recall: Rate;
}

export interface Scorecard {
  seed: number;
  /** The command line that reproduces the run (set by the CLI). */
  command?: string;
  model: string;
  date: string;
  corpusSize: number;
  perVariant: number;
  events: number;
  cases: { fraud: number; benign: number; background: number };
  /** The worst defect first: fraud the product looked at and let go. */
  fraudAutoCleared: Rate;
  decision: Confusion;
  detection: {
    /** Fraud cases where a rule fired and a case opened. */
    fraudFlagged: Rate;
    /** Look-alikes where a rule fired (they are built to fire one). */
    benignFlagged: Rate;
    /** Background customers (normal traffic only) with any alert. */
    backgroundFlagged: Rate;
  };
  lookAlikes: { sentToAnalyst: Rate; clearedWithReason: number; clearedOnScoreOnly: number };
  families: FamilyRow[];
  bySource: Array<{
    source: CustomerSource;
    fraud: Rate;
    fraudAutoCleared: number;
    benignSentToAnalyst: Rate;
  }>;
  background: { customers: number; events: number; cases: number; sentToAnalyst: Rate };
  analystLoadPer1000Events: { lookAlikes: number; allNonFraud: number; all: number };
  rules: RuleRow[];
  alerts: {
    raised: number;
    inCase: number;
    lost: Array<{ alertId: string; rule: string; customerId: string }>;
    failedIngests: number;
  };
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
  wallSeconds: { ingest: number; settle: number; total?: number };
  goals: Goal[];
  verdict: string;
  autoClearedFraud: Array<{
    id: string;
    customerId: string;
    rules: string[];
    risk?: number;
    reason?: string;
  }>;
  /** Every labelled case with what happened to it (for reading a miss). */
  outcomes: Array<{
    id: string;
    family: string;
    label: string;
    history: string;
    source: CustomerSource;
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

const EXPLAINED = /explained by/;

export function score(corpus: Corpus, run: RunResult, date = new Date().toISOString()): Scorecard {
  const byCustomer = new Map<string, CaseOutcome[]>();
  for (const o of run.cases) byCustomer.set(o.customerId, [...(byCustomer.get(o.customerId) ?? []), o]);
  const verdictOf = (customerId: string): Verdict => {
    const os = byCustomer.get(customerId) ?? [];
    if (os.length === 0) return 'no_alert';
    if (os.some((o) => o.stage === 'awaiting_decision' || (o.outcome && o.outcome !== 'auto_cleared')))
      return 'analyst';
    if (os.every((o) => o.outcome === 'auto_cleared')) return 'auto_cleared';
    return 'unsettled';
  };
  const reasonOf = (customerId: string) =>
    (byCustomer.get(customerId) ?? []).find((o) => o.clearance)?.clearance;
  const verdicts = new Map(corpus.cases.map((c) => [c.id, verdictOf(c.customerId)]));
  const count = (cs: readonly LabelledCase[], v: Verdict) =>
    cs.filter((c) => verdicts.get(c.id) === v).length;
  const flagged = (cs: readonly LabelledCase[]) => cs.filter((c) => verdicts.get(c.id) !== 'no_alert').length;
  const withReason = (cs: readonly LabelledCase[]) =>
    cs.filter((c) => verdicts.get(c.id) === 'auto_cleared' && EXPLAINED.test(reasonOf(c.customerId) ?? ''))
      .length;

  const familyNames = [...new Set(corpus.cases.map((c) => c.family))];
  const families: FamilyRow[] = familyNames.map((family) => {
    const cs = corpus.cases.filter((c) => c.family === family);
    const byHistory: FamilyRow['byHistory'] = {};
    for (const h of ['clean', 'dirty', 'unknown'] as const) {
      const x = cs.filter((c) => c.history === h);
      if (x.length)
        byHistory[h] = {
          cases: x.length,
          analyst: count(x, 'analyst'),
          autoCleared: count(x, 'auto_cleared'),
        };
    }
    return {
      family,
      label: cs[0]!.label,
      cases: cs.length,
      analyst: count(cs, 'analyst'),
      autoCleared: count(cs, 'auto_cleared'),
      noAlert: count(cs, 'no_alert'),
      unsettled: count(cs, 'unsettled'),
      rate: wilson(count(cs, 'analyst'), cs.length),
      detected: wilson(flagged(cs), cs.length),
      clearedWithReason: withReason(cs),
      byHistory,
    };
  });

  const fraud = corpus.cases.filter((c) => c.label === 'fraud');
  const benign = corpus.cases.filter((c) => c.label === 'benign');
  const events = run.eventsPosted;
  const bgCustomers = new Set(corpus.background.map((b) => b.customerId));
  const bgCases = run.cases.filter((o) => bgCustomers.has(o.customerId));
  const bgToAnalyst = [...bgCustomers].filter((id) => verdictOf(id) === 'analyst').length;
  const bgFlagged = [...bgCustomers].filter((id) => verdictOf(id) !== 'no_alert').length;
  const tp = count(fraud, 'analyst');
  const fp = count(benign, 'analyst');
  const fnCleared = count(fraud, 'auto_cleared');
  const fnNoAlert = count(fraud, 'no_alert');
  const fnUnsettled = count(fraud, 'unsettled');
  const decision: Confusion = {
    tp,
    fnCleared,
    fnNoAlert,
    fnUnsettled,
    fp,
    tnCleared: count(benign, 'auto_cleared'),
    tnNoAlert: count(benign, 'no_alert'),
    benignUnsettled: count(benign, 'unsettled'),
    precision: wilson(tp, tp + fp),
    recall: wilson(tp, fraud.length),
  };

  const labelOf = new Map(corpus.cases.map((c) => [c.customerId, c.label] as const));
  const ruleNames = [...new Set(run.cases.flatMap((o) => o.alerts.map((a) => a.rule)))].sort();
  const rules: RuleRow[] = ruleNames.map((rule) => {
    const hits = run.cases.flatMap((o) =>
      o.alerts.filter((a) => a.rule === rule).map(() => labelOf.get(o.customerId)),
    );
    const onFraud = hits.filter((l) => l === 'fraud').length;
    const fired = fraud.filter((c) =>
      (byCustomer.get(c.customerId) ?? []).some((o) => o.alerts.some((a) => a.rule === rule)),
    );
    return {
      rule,
      alerts: hits.length,
      onFraud,
      onBenign: hits.filter((l) => l === 'benign').length,
      onBackground: hits.filter((l) => l === undefined).length,
      precision: hits.length ? onFraud / hits.length : 0,
      recall: wilson(fired.length, fraud.length),
    };
  });

  const sources: CustomerSource[] = ['shipped', 'population', 'unknown'];
  const bySource = sources
    .map((source) => {
      const f = fraud.filter((c) => c.source === source);
      const b = benign.filter((c) => c.source === source);
      return {
        source,
        fraud: wilson(count(f, 'analyst'), f.length),
        fraudAutoCleared: count(f, 'auto_cleared'),
        benignSentToAnalyst: wilson(count(b, 'analyst'), b.length),
      };
    })
    .filter((r) => r.fraud.of + r.benignSentToAnalyst.of > 0);

  const benignCustomers = new Set([...benign.map((c) => c.customerId), ...bgCustomers]);
  const benignEvents =
    benign.reduce((s, c) => s + c.prelude.length + c.pattern.length, 0) +
    corpus.background.reduce((s, b) => s + b.events.length, 0);
  const eventsOf = new Map<string, number>([
    ...corpus.cases.map((c) => [c.customerId, c.prelude.length + c.pattern.length] as const),
    ...corpus.background.map((b) => [b.customerId, b.events.length] as const),
  ]);
  const investigated = run.cases.filter((o) => benignCustomers.has(o.customerId) && o.risk !== undefined);
  const inAlerts = investigated.reduce((s, o) => s + o.alerts.reduce((t, a) => t + a.events, 0), 0);
  const readable = [...new Set(investigated.map((o) => o.customerId))].reduce(
    (s, id) => s + (eventsOf.get(id) ?? 0),
    0,
  );

  const tokens = run.cases.map((o) => o.tokens);
  const usd = run.cases.map((o) => o.usd);
  const latencies = run.cases.flatMap((o) => (o.latencyMs === undefined ? [] : [o.latencyMs]));
  const fraudAutoCleared = wilson(fnCleared, fraud.length);
  const lookAlikeLoad = wilson(fp, benign.length);
  const unclearable = families
    .filter((f) => f.label === 'benign' && f.autoCleared === 0)
    .map((f) => f.family);
  const neverReached = benignEvents ? 1 - inAlerts / benignEvents : 1;
  const lost = run.alerts.filter((a) => !a.inCase);
  const goals: Goal[] = [
    {
      name: 'fraud auto-cleared',
      target: '0',
      value: fnCleared,
      shown: String(fnCleared),
      met: fnCleared === 0,
    },
    {
      name: 'fraud reaching an analyst',
      target: '≥ 99 %',
      value: decision.recall.rate,
      shown: pct(decision.recall.rate),
      met: decision.recall.rate >= 0.99,
    },
    {
      name: 'benign look-alikes sent to an analyst',
      target: '≤ 5 %',
      value: lookAlikeLoad.rate,
      shown: pct(lookAlikeLoad.rate),
      met: lookAlikeLoad.rate <= 0.05,
    },
    {
      name: 'benign events that never reach a model',
      target: '≥ 95 %',
      value: neverReached,
      shown: pct(neverReached),
      met: neverReached >= 0.95,
    },
    {
      name: 'alerts that reached a case',
      target: 'all',
      value: run.alerts.length - lost.length,
      shown: `${run.alerts.length - lost.length} of ${run.alerts.length}`,
      met: lost.length === 0,
    },
    {
      name: 'benign look-alike families never auto-cleared',
      target: 'none',
      value: unclearable.length,
      shown: unclearable.length ? unclearable.join(', ') : 'none',
      met: unclearable.length === 0,
    },
  ];
  const missed = goals.filter((g) => !g.met);
  const verdict = missed.length
    ? `VERDICT: ${missed.length} of ${goals.length} goals missed — ${missed.map((g) => `${g.name} ${g.shown} (goal ${g.target})`).join('; ')}`
    : `VERDICT: all ${goals.length} goals met — ${goals.map((g) => `${g.name} ${g.shown}`).join('; ')}`;
  const rulesOf = (customerId: string) => [
    ...new Set((byCustomer.get(customerId) ?? []).flatMap((o) => o.alerts.map((a) => a.rule))),
  ];
  return {
    seed: corpus.seed,
    model: run.model,
    date,
    corpusSize: corpus.cases.length,
    perVariant: corpus.perVariant,
    events,
    cases: { fraud: fraud.length, benign: benign.length, background: corpus.background.length },
    fraudAutoCleared,
    decision,
    detection: {
      fraudFlagged: wilson(flagged(fraud), fraud.length),
      benignFlagged: wilson(flagged(benign), benign.length),
      backgroundFlagged: wilson(bgFlagged, bgCustomers.size),
    },
    lookAlikes: {
      sentToAnalyst: lookAlikeLoad,
      clearedWithReason: withReason(benign),
      clearedOnScoreOnly: count(benign, 'auto_cleared') - withReason(benign),
    },
    families,
    bySource,
    background: {
      customers: corpus.background.length,
      events: corpus.background.reduce((s, b) => s + b.events.length, 0),
      cases: bgCases.length,
      sentToAnalyst: wilson(bgToAnalyst, bgCustomers.size),
    },
    analystLoadPer1000Events: {
      lookAlikes: per1000(fp, events),
      allNonFraud: per1000(fp + bgToAnalyst, events),
      all: per1000(fp + bgToAnalyst + tp, events),
    },
    rules,
    alerts: {
      raised: run.alerts.length,
      inCase: run.alerts.length - lost.length,
      lost: lost.map((a) => ({ alertId: a.alertId, rule: a.rule, customerId: a.customerId })),
      failedIngests: run.failedIngests.length,
    },
    modelReach: {
      benignEvents,
      inInvestigatedAlerts: inAlerts,
      neverReached,
      readable,
      neverReadable: benignEvents ? 1 - readable / benignEvents : 1,
    },
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
    autoClearedFraud: fraud
      .filter((c) => verdicts.get(c.id) === 'auto_cleared')
      .map((c) => {
        const os = byCustomer.get(c.customerId) ?? [];
        const reason = reasonOf(c.customerId);
        const risk = os.at(-1)?.risk;
        return {
          id: c.id,
          customerId: c.customerId,
          rules: rulesOf(c.customerId),
          ...(risk !== undefined ? { risk } : {}),
          ...(reason ? { reason } : {}),
        };
      }),
    outcomes: corpus.cases.map((c) => {
      const last = (byCustomer.get(c.customerId) ?? []).at(-1);
      return {
        id: c.id,
        family: c.family,
        label: c.label,
        history: c.history,
        source: c.source,
        customerId: c.customerId,
        verdict: verdicts.get(c.id)!,
        rules: rulesOf(c.customerId),
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
/** `12.3 % [9.1–16.0]`: the rate and its 95 % interval. */
export const ci = (r: Rate) =>
  r.of ? `${pct(r.rate)} [${(100 * r.lo).toFixed(1)}–${(100 * r.hi).toFixed(1)}]` : '–';
const per1000 = (n: number, events: number) => (events ? (1000 * n) / events : 0);
const mean = (xs: number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : 0);
export function quantile(xs: readonly number[], q: number): number {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}
