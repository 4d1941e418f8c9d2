import { FAMILIES } from './corpus/index';
import { ci, pct, type Rate, type Scorecard } from './score';

/**
 * The scorecard as Markdown (also what the console prints). The worst defect comes first and loud:
 * fraud the product investigated and cleared on its own.
 */
export function markdown(s: Scorecard): string {
  const lines: string[] = [];
  const row = (cells: Array<string | number>) => lines.push(`| ${cells.join(' | ')} |`);
  const describe = (name: string) => FAMILIES.find((f) => f.name === name)?.description ?? '';
  const d = s.decision;
  const n = (r: Rate) => `${r.n}/${r.of}`;
  lines.push(
    `# Judgement scorecard`,
    '',
    `\`${s.command ?? `npm run eval -- --seed ${s.seed} --size ${s.corpusSize}`}\` · model ${s.model} · ${s.date.slice(0, 16).replace('T', ' ')} UTC · ` +
      `${s.cases.fraud} fraud + ${s.cases.benign} benign look-alike cases (${s.perVariant} per family and customer kind) · ` +
      `${s.cases.background} background customers · ${s.events.toLocaleString('en-US')} events`,
    '',
    s.fraudAutoCleared.n
      ? `**!!! FRAUD AUTO-CLEARED: ${s.fraudAutoCleared.n} of ${s.cases.fraud} fraud cases (${ci(s.fraudAutoCleared)}) — the product investigated them and let them go. !!!**`
      : `**Fraud auto-cleared: 0 of ${s.cases.fraud}** (95 % upper bound ${pct(s.fraudAutoCleared.hi)}).`,
    '',
    `**${s.verdict}**`,
    '',
    '## Decision quality (positive = sent to an analyst)',
    '',
  );
  row(['', 'sent to an analyst', 'auto-cleared', 'no alert (rules missed)', 'unsettled']);
  row(['---', '---:', '---:', '---:', '---:']);
  row(['**fraud**', `${d.tp} (TP)`, `**${d.fnCleared} (FN, worst)**`, `${d.fnNoAlert} (FN)`, d.fnUnsettled]);
  row([
    '**benign look-alike**',
    `${d.fp} (FP, analyst load)`,
    `${d.tnCleared} (TN)`,
    `${d.tnNoAlert} (TN)`,
    d.benignUnsettled,
  ]);
  lines.push('');
  row(['measure', 'value [95 % CI]']);
  row(['---', '---:']);
  row(['recall: fraud reaching an analyst', `**${ci(d.recall)}** (${n(d.recall)})`]);
  row([
    'precision: analyst cases that are fraud (look-alikes only)',
    `${ci(d.precision)} (${n(d.precision)})`,
  ]);
  row(['fraud auto-cleared', `**${ci(s.fraudAutoCleared)}** (${n(s.fraudAutoCleared)})`]);
  row([
    'look-alikes sent to an analyst',
    `${ci(s.lookAlikes.sentToAnalyst)} (${n(s.lookAlikes.sentToAnalyst)})`,
  ]);
  row([
    'look-alikes auto-cleared naming a benign explanation / on the score alone',
    `${s.lookAlikes.clearedWithReason} / ${s.lookAlikes.clearedOnScoreOnly}`,
  ]);
  row([
    'background customers sent to an analyst',
    `${ci(s.background.sentToAnalyst)} (${n(s.background.sentToAnalyst)})`,
  ]);
  row([
    'detection: fraud where a rule fired and a case opened',
    `${ci(s.detection.fraudFlagged)} (${n(s.detection.fraudFlagged)})`,
  ]);
  row([
    'detection: look-alikes where a rule fired (built to fire one)',
    `${ci(s.detection.benignFlagged)} (${n(s.detection.benignFlagged)})`,
  ]);
  row([
    'detection: background customers with any alert',
    `${ci(s.detection.backgroundFlagged)} (${n(s.detection.backgroundFlagged)})`,
  ]);
  row([
    'alerts that reached a case',
    `${s.alerts.inCase} of ${s.alerts.raised}${s.alerts.failedIngests ? ` (${s.alerts.failedIngests} failed ingests)` : ''}`,
  ]);

  lines.push('', '## Goals', '');
  row(['goal', 'target', 'measured', '']);
  row(['---', '---:', '---:', '---']);
  for (const g of s.goals) row([g.name, g.target, g.shown, g.met ? 'met' : '**missed**']);

  if (s.autoClearedFraud.length) {
    lines.push('', '## Fraud that cleared itself (the worst defect)', '');
    for (const c of s.autoClearedFraud)
      lines.push(
        `- ${c.id} (${c.customerId}; rules ${c.rules.join(', ') || 'none'}; risk ${c.risk?.toFixed(2) ?? '?'}): ${c.reason ?? ''}`,
      );
  }

  const history = (f: Scorecard['families'][number], h: 'clean' | 'dirty' | 'unknown') => {
    const x = f.byHistory[h];
    return x ? `${x.analyst}/${x.cases}` : '–';
  };
  lines.push('', '## Fraud per family: reaching an analyst', '');
  row([
    'family',
    'cases',
    'to analyst',
    '**auto-cleared**',
    'no alert',
    'recall [95 % CI]',
    'clean',
    'dirty',
    'unknown',
  ]);
  row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']);
  for (const f of s.families.filter((x) => x.label === 'fraud'))
    row([
      f.family,
      f.cases,
      f.analyst,
      f.autoCleared ? `**${f.autoCleared}**` : 0,
      f.noAlert,
      ci(f.rate),
      history(f, 'clean'),
      history(f, 'dirty'),
      history(f, 'unknown'),
    ]);
  row([
    '**all fraud**',
    s.cases.fraud,
    d.tp,
    `**${d.fnCleared}**`,
    d.fnNoAlert,
    `**${ci(d.recall)}**`,
    '',
    '',
    '',
  ]);

  lines.push('', '## Benign look-alikes per family: analyst load', '');
  row([
    'family',
    'cases',
    'to analyst',
    'auto-cleared (with a named reason)',
    'no alert',
    'to analyst [95 % CI]',
    'clean',
    'dirty',
  ]);
  row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:']);
  for (const f of s.families.filter((x) => x.label === 'benign'))
    row([
      f.family,
      f.cases,
      f.analyst,
      `${f.autoCleared} (${f.clearedWithReason})`,
      f.noAlert,
      ci(f.rate),
      history(f, 'clean'),
      history(f, 'dirty'),
    ]);
  row([
    '**all look-alikes**',
    s.cases.benign,
    d.fp,
    `${d.tnCleared} (${s.lookAlikes.clearedWithReason})`,
    d.tnNoAlert,
    `**${ci(s.lookAlikes.sentToAnalyst)}**`,
    '',
    '',
  ]);

  lines.push('', '## By customer source', '');
  row(['customers', 'fraud reaching an analyst', 'fraud auto-cleared', 'look-alikes to an analyst']);
  row(['---', '---:', '---:', '---:']);
  for (const r of s.bySource)
    row([
      r.source,
      `${ci(r.fraud)} (${n(r.fraud)})`,
      r.fraudAutoCleared,
      r.benignSentToAnalyst.of ? `${ci(r.benignSentToAnalyst)} (${n(r.benignSentToAnalyst)})` : '–',
    ]);

  lines.push('', '## Rules', '');
  row([
    'rule',
    'alerts',
    'on fraud',
    'on look-alikes',
    'on background',
    'precision',
    'recall (fraud cases flagged)',
  ]);
  row(['---', '---:', '---:', '---:', '---:', '---:', '---:']);
  for (const r of s.rules)
    row([
      r.rule,
      r.alerts,
      r.onFraud,
      r.onBenign,
      r.onBackground,
      pct(r.precision),
      `${ci(r.recall)} (${n(r.recall)})`,
    ]);

  lines.push('', '## Load, reach, cost, latency', '');
  row(['measure', 'value']);
  row(['---', '---:']);
  row([
    'analyst load per 1,000 events: look-alikes / all non-fraud / all cases',
    `${fmt(s.analystLoadPer1000Events.lookAlikes)} / ${fmt(s.analystLoadPer1000Events.allNonFraud)} / ${fmt(s.analystLoadPer1000Events.all)}`,
  ]);
  row([
    'benign events that never reach a model (not in any investigated alert)',
    `${pct(s.modelReach.neverReached)} of ${s.modelReach.benignEvents.toLocaleString('en-US')}`,
  ]);
  row([
    'benign events no investigation could read (customer never investigated)',
    pct(s.modelReach.neverReadable),
  ]);
  row([
    'tokens per case: mean / p95',
    `${Math.round(s.perCase.tokensMean).toLocaleString('en-US')} / ${Math.round(s.perCase.tokensP95).toLocaleString('en-US')}`,
  ]);
  row(['USD per case: mean (total)', `$${s.perCase.usdMean.toFixed(4)} ($${s.perCase.usdTotal.toFixed(2)})`]);
  row([
    'alert → assessment, p50 / p95 (wall, through the host)',
    `${Math.round(s.latencyMs.p50)} / ${Math.round(s.latencyMs.p95)} ms (${s.latencyMs.samples} cases)`,
  ]);
  row([
    'wall time: ingest / until every case settled',
    `${s.wallSeconds.ingest.toFixed(1)} s / ${s.wallSeconds.settle.toFixed(1)} s`,
  ]);
  if (s.alerts.lost.length)
    lines.push('', `Alerts no case lists: ${s.alerts.lost.map((a) => `${a.alertId}`).join(', ')}`);
  if (s.unsettled.length)
    lines.push('', `Unsettled cases when the run stopped waiting: ${s.unsettled.join(', ')}`);
  if (s.shortfalls.length) lines.push('', `Families short of customers: ${s.shortfalls.join('; ')}`);
  lines.push('', '## Families', '');
  for (const f of s.families) lines.push(`- **${f.family}** (${f.label}): ${describe(f.family)}`);
  return lines.join('\n') + '\n';
}

/** Several seeds side by side: the spread of the figures that matter (min / median / max). */
export interface SeedFigures {
  seed: number;
  cases: number;
  fraud: number;
  fraudAutoCleared: number;
  recall: number;
  lookAlikesToAnalyst: number;
  detection: number;
  precision: number;
  backgroundToAnalyst: number;
  alertsLost: number;
  seconds: number;
}

export function figuresOf(s: Scorecard): SeedFigures {
  return {
    seed: s.seed,
    cases: s.corpusSize,
    fraud: s.cases.fraud,
    fraudAutoCleared: s.fraudAutoCleared.n,
    recall: s.decision.recall.rate,
    lookAlikesToAnalyst: s.lookAlikes.sentToAnalyst.rate,
    detection: s.detection.fraudFlagged.rate,
    precision: s.decision.precision.rate,
    backgroundToAnalyst: s.background.sentToAnalyst.rate,
    alertsLost: s.alerts.lost.length,
    seconds: s.wallSeconds.total ?? s.wallSeconds.ingest + s.wallSeconds.settle,
  };
}

export function spreadMarkdown(runs: readonly SeedFigures[]): string {
  const lines: string[] = [];
  const row = (cells: Array<string | number>) => lines.push(`| ${cells.join(' | ')} |`);
  lines.push(`## Spread over ${runs.length} seeds (${runs.map((r) => r.seed).join(', ')})`, '');
  row([
    'seed',
    'cases',
    'fraud auto-cleared',
    'fraud reaching an analyst',
    'look-alikes to an analyst',
    'fraud flagged by a rule',
    'precision',
    'background to an analyst',
    'alerts lost',
    'wall s',
  ]);
  row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']);
  for (const r of runs)
    row([
      r.seed,
      r.cases,
      `${r.fraudAutoCleared} of ${r.fraud}`,
      pct(r.recall),
      pct(r.lookAlikesToAnalyst),
      pct(r.detection),
      pct(r.precision),
      pct(r.backgroundToAnalyst),
      r.alertsLost,
      r.seconds.toFixed(0),
    ]);
  const span = (pick: (r: SeedFigures) => number, show: (x: number) => string) => {
    const xs = runs.map(pick).sort((a, b) => a - b);
    return `${show(xs[0]!)} / ${show(xs[Math.floor((xs.length - 1) / 2)]!)} / ${show(xs.at(-1)!)}`;
  };
  row([
    '**min / median / max**',
    '',
    span((r) => r.fraudAutoCleared, String),
    span((r) => r.recall, pct),
    span((r) => r.lookAlikesToAnalyst, pct),
    span((r) => r.detection, pct),
    span((r) => r.precision, pct),
    span((r) => r.backgroundToAnalyst, pct),
    span((r) => r.alertsLost, String),
    '',
  ]);
  return lines.join('\n') + '\n';
}

const fmt = (x: number) => x.toFixed(2);
