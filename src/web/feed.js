// @ts-check
// The live feed: telemetry by event type, alerts with the rule that fired, case stage changes.
import { $, clear, clock, h } from './dom.js';
import { OUTCOME_LABEL, STAGE_LABEL } from './labels.js';
import { onEvent } from './stream.js';

const MAX_ITEMS = 200;
let paused = false;
let held = [];
const totals = { telemetry: {}, alerts: 0, cases: 0 };

function telemetryItem(d) {
  const types = Object.entries(d.counts ?? {})
    .map(([t, n]) => `${t} ×${n}`)
    .join(', ');
  return h(
    'li',
    { class: 'item item-telemetry', dataset: { kind: 'telemetry' } },
    h('span', { class: 'tag tag-telemetry' }, 'telemetry'),
    h('time', { datetime: d.at }, clock(d.at)),
    h('span', { class: 'who' }, d.customerId),
    h('span', {}, `${d.count} event${d.count === 1 ? '' : 's'}: ${types}`),
    d.source ? h('span', { class: 'tag tag-source' }, d.source) : null,
  );
}

function alertItem(d) {
  return h(
    'li',
    { class: 'item item-alert', dataset: { kind: 'alert' } },
    h('span', { class: `tag tag-alert sev-${d.severity ?? 'medium'}` }, 'alert'),
    h('time', { datetime: d.at }, clock(d.at)),
    h('span', { class: 'who' }, d.customerId),
    h('strong', { class: 'rule' }, d.rule),
    d.severity ? h('span', { class: 'muted' }, `(${d.severity})`) : null,
    h('span', {}, d.description ?? ''),
    d.caseId
      ? h(
          'a',
          { href: `#/cases/${encodeURIComponent(d.caseId)}`, class: 'feed-case', title: d.caseId },
          'open case',
        )
      : null,
  );
}

const CASE_KIND = {
  awaiting_decision: (d) =>
    d.round === 1 ? 'new case: awaiting a decision' : `round ${d.round}: awaiting a decision`,
  auto_cleared: () => 'auto-cleared (risk below the threshold)',
  escalated: (d) => (d.reason ? (OUTCOME_LABEL[d.reason] ?? `escalated (${d.reason})`) : 'escalated'),
  closed: (d) => `closed${d.outcome ? `: ${OUTCOME_LABEL[d.outcome] ?? d.outcome}` : ''}`,
};

function caseItem(d) {
  const text = CASE_KIND[d.kind]?.(d) ?? `${STAGE_LABEL[d.stage] ?? d.stage} · round ${d.round}`;
  return h(
    'li',
    { class: 'item item-case', dataset: { kind: 'case', caseKind: d.kind ?? d.stage } },
    h(
      'span',
      { class: 'tag tag-case' },
      d.kind === 'awaiting_decision' && d.round === 1 ? 'new case' : 'case',
    ),
    h('time', { datetime: d.at }, clock(d.at)),
    h('span', { class: 'who' }, d.customerId),
    h('span', {}, text),
    h(
      'a',
      { href: `#/cases/${encodeURIComponent(d.caseId)}`, class: 'feed-case', title: d.caseId },
      'open case',
    ),
  );
}

function render(item) {
  const list = $('feed-list');
  list.prepend(item);
  while (list.childElementCount > MAX_ITEMS) list.lastElementChild.remove();
}

/**
 * One feed item per case event: a case's close is announced by its outcome's activity (auto-clear,
 * escalate) and again by the closing notice, and activities may run twice. The first says it; the
 * repeats are dropped. Keys are kept for the cases still on screen only.
 */
const seen = new Set();
const CLOSE_KINDS = new Set(['auto_cleared', 'escalated', 'closed']);
function caseEventKey(d) {
  if (CLOSE_KINDS.has(d.kind) || d.stage === 'closed') return `close|${d.caseId}`;
  return `${d.kind ?? d.stage}|${d.caseId}|${d.round}`;
}

function showCounts() {
  const t = Object.entries(totals.telemetry)
    .sort()
    .map(([k, n]) => `${k} ${n}`)
    .join(' · ');
  $('feed-counts').textContent =
    `Telemetry: ${t || 'none yet'} — alerts ${totals.alerts} — case updates ${totals.cases}`;
}

function add(item) {
  if (paused) {
    held.push(item);
    $('feed-paused').textContent = `Paused — ${held.length} new event${held.length === 1 ? '' : 's'} held.`;
  } else render(item);
}

function setPaused(value) {
  paused = value;
  const btn = $('feed-pause');
  btn.textContent = paused ? 'Resume' : 'Pause';
  btn.setAttribute('aria-pressed', String(paused));
  $('feed-paused').hidden = !paused;
  $('feed-paused').textContent = 'Paused — new events are held.';
  if (!paused) {
    for (const item of held) render(item);
    held = [];
  }
}

export function initFeed() {
  onEvent('telemetry', (d) => {
    for (const [t, n] of Object.entries(d.counts ?? {})) totals.telemetry[t] = (totals.telemetry[t] ?? 0) + n;
    showCounts();
    add(telemetryItem(d));
  });
  onEvent('alert', (d) => {
    totals.alerts += 1;
    showCounts();
    add(alertItem(d));
  });
  onEvent('case', (d) => {
    const k = caseEventKey(d);
    if (seen.has(k)) return;
    seen.add(k);
    if (seen.size > MAX_ITEMS * 4) seen.delete(seen.values().next().value);
    totals.cases += 1;
    showCounts();
    add(caseItem(d));
  });
  $('feed-pause').addEventListener('click', () => setPaused(!paused));
  $('feed-clear').addEventListener('click', () => {
    clear($('feed-list'));
    held = [];
    totals.telemetry = {};
    totals.alerts = 0;
    totals.cases = 0;
    showCounts();
    if (paused) $('feed-paused').textContent = 'Paused — new events are held.';
  });
  showCounts();
}
