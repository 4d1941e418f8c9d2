import { FAMILIES } from './corpus/index';
import { pct, type Scorecard } from './score';

/** The scorecard as Markdown (also what the console prints). */
export function markdown(s: Scorecard): string {
  const lines: string[] = [];
  const row = (cells: Array<string | number>) => lines.push(`| ${cells.join(' | ')} |`);
  const describe = (name: string) => FAMILIES.find((f) => f.name === name)?.description ?? '';
  lines.push(
    `# Evaluation scorecard`,
    '',
    `Seed ${s.seed} · model ${s.model} · ${s.cases.fraud} fraud and ${s.cases.benign} benign look-alike cases (each on its own customer, half on clean and half on dirty histories) · ${s.cases.background} background customers · ${s.events.toLocaleString('en-US')} events`,
    '',
    `**${s.verdict}**`,
    '',
    '## Goals',
    '',
  );
  row(['goal', 'target', 'measured', '']);
  row(['---', '---:', '---:', '---']);
  for (const g of s.goals) row([g.name, g.target, g.shown, g.met ? 'met' : '**missed**']);
  lines.push('', '## Fraud: reaching an analyst, per family', '');
  row(['family', 'cases', 'to analyst', 'auto-cleared', 'no alert', 'recall', 'clean', 'dirty']);
  row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:']);
  for (const f of s.families.filter((x) => x.label === 'fraud'))
    row([f.family, f.cases, f.analyst, f.autoCleared, f.noAlert, pct(f.rate), `${f.clean.analyst}/${f.clean.cases}`, `${f.dirty.analyst}/${f.dirty.cases}`]);
  row(['**all fraud**', s.fraud.cases, s.fraud.reachedAnalyst, s.fraud.autoCleared, s.fraud.noAlert, `**${pct(s.fraud.recall)}**`, '', '']);
  lines.push('', '## Benign look-alikes: sent to an analyst, per family', '');
  row(['family', 'cases', 'to analyst', 'auto-cleared', 'no alert', 'to analyst %', 'clean', 'dirty']);
  row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:']);
  for (const f of s.families.filter((x) => x.label === 'benign'))
    row([f.family, f.cases, f.analyst, f.autoCleared, f.noAlert, pct(f.rate), `${f.clean.analyst}/${f.clean.cases}`, `${f.dirty.analyst}/${f.dirty.cases}`]);
  row(['**all look-alikes**', s.benign.cases, s.benign.sentToAnalyst, s.benign.autoCleared, s.benign.noAlert, `**${pct(s.benign.rate)}**`, '', '']);
  lines.push('', '## Rules', '');
  row(['rule', 'alerts', 'on fraud', 'on look-alikes', 'on background', 'precision', 'fraud cases flagged']);
  row(['---', '---:', '---:', '---:', '---:', '---:', '---:']);
  for (const r of s.rules) row([r.rule, r.alerts, r.onFraud, r.onBenign, r.onBackground, pct(r.precision), r.fraudCasesFlagged]);
  lines.push(
    '',
    `Detection recall (fraud cases where any rule fired): **${pct(s.detectionRecall)}**.`,
    '',
    '## Load, reach, cost, latency',
    '',
  );
  row(['measure', 'value']);
  row(['---', '---:']);
  row(['analyst load per 1,000 events: look-alikes / all non-fraud / all cases', `${fmt(s.analystLoadPer1000Events.lookAlikes)} / ${fmt(s.analystLoadPer1000Events.allNonFraud)} / ${fmt(s.analystLoadPer1000Events.all)}`]);
  row(['background customers sent to an analyst', `${s.background.sentToAnalyst} of ${s.background.customers} (${s.background.cases} cases)`]);
  row(['benign events that never reach a model (not in any investigated alert)', `${pct(s.modelReach.neverReached)} of ${s.modelReach.benignEvents.toLocaleString('en-US')}`]);
  row(["benign events no investigation could read (customer never investigated)", pct(s.modelReach.neverReadable)]);
  row(['tokens per case: mean / p95', `${Math.round(s.perCase.tokensMean).toLocaleString('en-US')} / ${Math.round(s.perCase.tokensP95).toLocaleString('en-US')}`]);
  row(['USD per case: mean (total)', `$${s.perCase.usdMean.toFixed(4)} ($${s.perCase.usdTotal.toFixed(2)})`]);
  row(['alert → assessment, p50 / p95 (wall, through the host)', `${Math.round(s.latencyMs.p50)} / ${Math.round(s.latencyMs.p95)} ms (${s.latencyMs.samples} cases)`]);
  row(['wall time: ingest / until every case settled', `${s.wallSeconds.ingest.toFixed(1)} s / ${s.wallSeconds.settle.toFixed(1)} s`]);
  if (s.autoClearedFraud.length) {
    lines.push('', '## Fraud that cleared itself', '');
    for (const c of s.autoClearedFraud) lines.push(`- ${c.id} (${c.customerId}): ${c.reason ?? ''}`);
  }
  if (s.unsettled.length) lines.push('', `Unsettled cases when the run stopped waiting: ${s.unsettled.join(', ')}`);
  if (s.shortfalls.length) lines.push('', `Families short of customers: ${s.shortfalls.join('; ')}`);
  lines.push('', '## Families', '');
  for (const f of s.families) lines.push(`- **${f.family}** (${f.label}): ${describe(f.family)}`);
  return lines.join('\n') + '\n';
}

const fmt = (x: number) => x.toFixed(2);
