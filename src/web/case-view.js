// @ts-check
/* global document, setTimeout, clearTimeout -- browser globals: these modules run in the page, not in Node */
// The case view: facts, the workflow path, the assessment, each specialist's findings with its tool
// calls, the conversation across rounds, the decision form and the timeline.
import { ApiError, getCase } from './api.js';
import { auditPanel } from './audit.js';
import { dashboardHash } from './cases.js';
import { createCustomerPanel } from './customer.js';
import { createDecisionPanel } from './decision.js';
import { $, breakable, clock, cost, countdown, h, riskBadge, stageBadge, when } from './dom.js';
import { ACTION_LABEL, RULE_LABEL, SPECIALISTS } from './labels.js';
import { onEvent } from './stream.js';

let current; // { caseId, detail, timer, panel, customer, fast }

export function showCase(caseId) {
  hideCase();
  const root = $('view-case');
  const panel = createDecisionPanel({ onDecided: () => followUp() });
  const customer = createCustomerPanel();
  current = { caseId, detail: undefined, timer: undefined, panel, customer, fast: 0 };
  root.replaceChildren(
    h('nav', { class: 'crumbs' }, h('a', { href: dashboardHash() }, '← Cases')),
    h('p', { class: 'muted', id: 'case-loading' }, 'Loading case…'),
  );
  void load();
  schedule();
}

export function hideCase() {
  if (current) clearTimeout(current.timer);
  current = undefined;
}

export function initCaseView() {
  onEvent('case', (d) => {
    if (current && d.caseId === current.caseId) void load();
  });
  onEvent('alert', (d) => {
    if (current && d.caseId === current.caseId) void load();
  });
}

/** After a decision: poll quickly for a while, so the result shows even without the stream. */
function followUp() {
  if (!current) return;
  current.fast = 20;
  void load();
  schedule();
}

function schedule() {
  if (!current) return;
  clearTimeout(current.timer);
  const busy = current.fast > 0 || ['investigating', 'executing'].includes(current.detail?.stage);
  current.timer = setTimeout(
    async () => {
      if (!current) return;
      if (current.fast > 0) current.fast -= 1;
      await load();
      schedule();
    },
    busy ? 1000 : 15_000,
  );
}

async function load() {
  const c = current;
  if (!c) return;
  try {
    const detail = await getCase(c.caseId);
    if (c !== current) return;
    c.detail = detail;
    render(detail);
  } catch (err) {
    if (c !== current) return;
    const msg =
      err instanceof ApiError && err.status === 404
        ? `No case with id ${c.caseId}.`
        : `Could not load the case: ${err.message}`;
    const box = $('case-load-error') ?? h('p', { class: 'error', role: 'alert', id: 'case-load-error' });
    box.textContent = msg;
    if (!box.isConnected) $('view-case').append(box);
  }
}

/**
 * Stable slots: a refresh replaces their content but never moves the decision form (focus stays). The
 * order is the reading order on a phone: what the case is, why (assessment, findings), the decision,
 * then the audit and the customer; a wide screen puts the last three in a column beside the first.
 */
function render(d) {
  const root = $('view-case');
  $('case-loading')?.remove();
  $('case-load-error')?.remove();
  const first = !root.querySelector('[data-slot]');
  if (first) {
    const slot = (name) => h('div', { dataset: { slot: name } });
    root.append(
      slot('head'),
      slot('flow'),
      h(
        'div',
        { class: 'case-grid' },
        h('div', { class: 'case-main' }, slot('assessment'), slot('findings')),
        h('div', { class: 'case-side' }, current.panel.el, slot('audit'), current.customer.el),
      ),
      slot('conversation'),
      slot('timeline'),
    );
  }
  const fill = (slot, node) => root.querySelector(`[data-slot="${slot}"]`).replaceChildren(node);
  fill('head', header(d));
  fill('flow', flow(d));
  fill('assessment', assessment(d));
  fill('findings', findings(d));
  fill('audit', auditPanel(d));
  fill('conversation', conversation(d));
  fill('timeline', timeline(d));
  current.panel.update(d);
  current.customer.update(d);
  // Arriving from the list: put keyboard focus on the case's heading, not back at the top of the page.
  const focused = /** @type {HTMLElement | null} */ (document.activeElement);
  if (first && [document.body, $('main')].includes(focused)) $('case-title')?.focus();
}

function header(d) {
  const facts = [
    ['Stage', stageBadge(d.stage, d.outcome)],
    ['Round', d.maxRounds ? `${d.round} of ${d.maxRounds}` : String(d.round)],
    ['Time left', countdown(d.deadline)],
    ['Risk', riskBadge(d.risk)],
    ['Cost', cost(d.usage)],
    ['Opened', when(d.openedAt)],
  ];
  return h(
    'header',
    { class: 'case-head', dataset: { part: 'head' } },
    h(
      'h2',
      { id: 'case-title', tabindex: '-1' },
      `${RULE_LABEL[d.rule] ?? d.rule} — customer ${d.customerId}`,
    ),
    h('p', { class: 'case-id' }, breakable(d.caseId)),
    d.alert?.description ? h('p', { class: 'alert-line' }, `Alert: ${d.alert.description}`) : null,
    h(
      'dl',
      { class: 'facts' },
      facts.map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, v))),
    ),
    d.dashboardUrl
      ? h(
          'p',
          {},
          h(
            'a',
            { href: d.dashboardUrl, target: '_blank', rel: 'noopener noreferrer', id: 'dashboard-link' },
            'Open this instance in the Durable Task Scheduler dashboard ↗',
          ),
        )
      : null,
    d.error ? h('p', { class: 'error' }, `Failure: ${d.error}`) : null,
  );
}

/** detect → investigate → review → action | clear | escalate, with the case's position highlighted. */
function flow(d) {
  const accepted = (d.decisions ?? []).filter((x) => x.disposition === 'accepted');
  const reviewed =
    accepted.length > 0 ||
    d.stage === 'awaiting_decision' ||
    (d.timeline ?? []).some((t) => t.event === 'awaiting_decision');
  const end =
    d.stage === 'executing' || d.outcome === 'action_executed'
      ? 'action'
      : d.outcome === 'auto_cleared' || d.outcome === 'cleared_by_analyst'
        ? 'clear'
        : d.outcome?.startsWith('escalated')
          ? 'escalate'
          : undefined;
  const state = {
    detect: 'done',
    investigate: d.stage === 'investigating' ? 'current' : 'done',
    review:
      d.stage === 'awaiting_decision'
        ? 'current'
        : reviewed && d.stage !== 'investigating'
          ? 'done'
          : d.stage === 'closed'
            ? 'skipped'
            : 'todo',
  };
  const step = (id, label, s, note) =>
    h(
      'li',
      {
        class: `step step-${s}`,
        'aria-current': s === 'current' ? 'step' : undefined,
        dataset: { step: id, state: s },
      },
      h('span', { class: 'step-label' }, label),
      note ? h('span', { class: 'step-note' }, note) : null,
      h('span', { class: 'sr-only' }, ` (${s === 'current' ? 'current step' : s})`),
    );
  const endState = (id) =>
    end === id ? (d.stage === 'closed' ? 'final' : 'current') : d.stage === 'closed' ? 'skipped' : 'todo';
  const rejections = accepted.filter((x) => x.decision === 'reject').length;
  return h(
    'section',
    { class: 'panel flow-panel', 'aria-labelledby': 'flow-title', dataset: { part: 'flow' } },
    h('h3', { id: 'flow-title' }, 'Path through the workflow'),
    h(
      'ol',
      { class: 'flow', id: 'flow' },
      step('detect', 'Detect', state.detect, d.rule),
      arrow(),
      step(
        'investigate',
        'Investigate',
        state.investigate,
        `round ${d.round}${rejections ? ` · ${rejections} rejected` : ''}`,
      ),
      arrow(),
      step('review', 'Review', state.review, d.stage === 'awaiting_decision' ? 'analyst decides' : undefined),
      arrow(),
      h(
        'li',
        { class: 'step-branch' },
        h(
          'ol',
          { class: 'branch', 'aria-label': 'End' },
          step('action', 'Action', endState('action'), d.action ? ACTION_LABEL[d.action.action] : undefined),
          step('clear', 'Clear', endState('clear')),
          step('escalate', 'Escalate', endState('escalate')),
        ),
      ),
    ),
  );
}

const arrow = () => h('li', { class: 'arrow', 'aria-hidden': 'true' }, '→');

function assessment(d) {
  const a = d.assessment;
  return h(
    'section',
    { class: 'panel assessment', 'aria-labelledby': 'assessment-title' },
    h('h3', { id: 'assessment-title' }, `Assessment${a ? ` (round ${a.round})` : ''}`),
    a
      ? [
          h(
            'p',
            { class: 'risk-big' },
            riskBadge({ score: a.riskScore, level: a.level, degraded: a.degraded }),
            h('span', {}, ` recommended: ${ACTION_LABEL[a.recommendedAction] ?? a.recommendedAction}`),
          ),
          h(
            'p',
            { class: 'hint' },
            'Risk = 0.3 × usage + 0.4 × location + 0.3 × billing; the action set is decided by code.',
          ),
          a.reasoning ? h('p', { class: 'reasoning' }, a.reasoning) : null,
          clearanceView(a.clearance),
        ]
      : h('p', { class: 'muted' }, 'The specialists are still investigating.'),
  );
}

/** The auto-clear policy's verdict, and which benign explanation covered which alert. */
function clearanceView(c) {
  if (!c) return null;
  return h(
    'div',
    { class: 'clearance' },
    h('p', { class: 'hint' }, `Auto-clear policy: ${c.reason}`),
    c.coverage?.length
      ? h(
          'ul',
          {},
          c.coverage.map((x) => h('li', {}, `${x.rule} ${x.alertId} explained by ${x.by}`)),
        )
      : null,
  );
}

function responseOf(d, author, round) {
  return (d.conversation ?? []).find(
    (e) => e.kind === 'response' && e.author === author && e.round === round,
  );
}

function toolCalls(calls) {
  if (!calls?.length) return h('p', { class: 'muted' }, 'No tool calls recorded.');
  return h(
    'ol',
    { class: 'tools' },
    calls.map((t) =>
      h(
        'li',
        {},
        h('code', {}, `${t.name}(${argsText(t.args)})`),
        h('span', { class: t.ok ? 'ok' : 'bad' }, t.ok ? ' ok' : ' failed'),
        h('span', { class: 'muted' }, ` ${Math.round(t.durationMs ?? 0)} ms`),
        h('pre', { class: 'result-summary' }, t.resultSummary ?? ''),
      ),
    ),
  );
}

function argsText(args) {
  if (!args || typeof args !== 'object') return '';
  return Object.entries(args)
    .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
    .join(', ');
}

function findings(d) {
  const list = d.findings?.length ? d.findings : SPECIALISTS.map((s) => ({ specialist: s }));
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'findings-title', dataset: { part: 'findings' } },
    h('h3', { id: 'findings-title' }, `Specialists' findings (round ${d.round})`),
    h(
      'div',
      { class: 'findings' },
      list.map((f) => {
        const resp = responseOf(d, f.specialist, d.round);
        const calls = resp?.toolCalls ?? [];
        return h(
          'article',
          { class: 'finding', dataset: { specialist: f.specialist } },
          h(
            'h4',
            {},
            f.specialist,
            ' ',
            f.riskScore === undefined
              ? h('span', { class: 'muted' }, 'pending')
              : riskBadge({ score: f.riskScore, level: levelOf(f.riskScore), degraded: f.degraded }),
          ),
          f.riskScore !== undefined
            ? h('meter', {
                min: 0,
                max: 1,
                low: 0.4,
                high: 0.6,
                optimum: 0,
                value: f.riskScore,
                'aria-label': `${f.specialist} risk score`,
              })
            : null,
          f.summary ? h('p', {}, f.summary) : null,
          f.evidence?.length
            ? h('ul', { class: 'evidence' }, ...f.evidence.map((e) => h('li', {}, e)))
            : null,
          h(
            'details',
            { open: openTools.has(f.specialist), ontoggle: (e) => remember(f.specialist, e.target.open) },
            h(
              'summary',
              {},
              `${calls.length} tool call${calls.length === 1 ? '' : 's'}`,
              calls.length
                ? h(
                    'span',
                    { class: 'muted tool-names' },
                    ` — ${[...new Set(calls.map((t) => t.name))].join(', ')}`,
                  )
                : null,
            ),
            toolCalls(calls),
          ),
        );
      }),
    ),
  );
}

/** Which specialists' tool calls the analyst opened: kept across refreshes. */
const openTools = new Set();
const remember = (name, open) => (open ? openTools.add(name) : openTools.delete(name));

const levelOf = (s) => (s >= 0.8 ? 'critical' : s >= 0.6 ? 'high' : s >= 0.4 ? 'medium' : 'low');

function parsed(content) {
  try {
    const v = JSON.parse(content);
    return v && typeof v === 'object' ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Everything that happened in each round: alert, new evidence, analyses, the analyst's feedback. */
function conversation(d) {
  const rounds = new Map();
  const at = (r) => rounds.get(r) ?? rounds.set(r, []).get(r);
  if (d.alert)
    at(1).push({
      t: d.openedAt,
      order: 0,
      node: entry(
        'alert',
        'Alert',
        d.alert.description ?? d.alert.rule,
        `${d.alert.rule} · ${d.alert.severity ?? ''}`,
      ),
    });
  for (const ev of d.evidence ?? []) {
    at(ev.round).push({
      t: ev.at,
      order: 1,
      node: entry(
        'evidence',
        'New evidence',
        ev.alert?.description ?? '',
        `${ev.alert?.rule ?? ''} · arrived ${clock(ev.at)}`,
      ),
    });
  }
  for (const e of d.conversation ?? []) {
    if (e.kind !== 'response') continue;
    const text = e.messages?.map((m) => m.content).join('\n') ?? '';
    const obj = parsed(text);
    const body = obj && 'summary' in obj ? `${Number(obj.riskScore).toFixed(2)} — ${obj.summary}` : text;
    const order = e.author === 'aggregator' ? 3 : 2;
    at(e.round).push({
      t: e.createdAt,
      order,
      node: entry(
        e.author === 'aggregator' ? 'aggregator' : 'specialist',
        e.author,
        body,
        `${e.toolCalls?.length ?? 0} tool calls · ${clock(e.createdAt)}`,
      ),
    });
  }
  for (const fb of d.feedback ?? []) {
    at(fb.round).push({
      t: fb.at,
      order: 4,
      node: entry(
        'feedback',
        `Analyst feedback${fb.analyst ? ` (${fb.analyst})` : ''}`,
        fb.text,
        d.maxRounds && fb.round >= d.maxRounds
          ? `rejected round ${fb.round}, the last: the case was escalated`
          : `rejected round ${fb.round}; round ${fb.round + 1} re-investigates with it`,
      ),
    });
  }
  for (const x of d.decisions ?? []) {
    if (x.disposition !== 'accepted' || x.decision !== 'approve') continue;
    at(x.round).push({
      t: x.decidedAt,
      order: 5,
      node: entry(
        'decision',
        `Analyst approved (${x.analyst})`,
        ACTION_LABEL[x.action] ?? x.action ?? '',
        clock(x.decidedAt),
      ),
    });
  }
  const sorted = [...rounds.entries()].sort((a, b) => a[0] - b[0]);
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'conversation-title', dataset: { part: 'conversation' } },
    h('h3', { id: 'conversation-title' }, 'Conversation across rounds'),
    d.droppedConversationEntries
      ? h(
          'p',
          { class: 'hint' },
          `${d.droppedConversationEntries} older entries were dropped to keep the session small.`,
        )
      : null,
    sorted.length === 0 ? h('p', { class: 'muted' }, 'Nothing recorded yet.') : null,
    sorted.map(([round, items]) =>
      h(
        'div',
        { class: 'round', dataset: { round } },
        h('h4', {}, `Round ${round}`),
        h(
          'ol',
          { class: 'conversation' },
          items
            .sort((a, b) => a.order - b.order || String(a.t).localeCompare(String(b.t)))
            .map((i) => i.node),
        ),
      ),
    ),
  );
}

function entry(kind, who, text, meta) {
  return h(
    'li',
    { class: `entry entry-${kind}`, dataset: { kind } },
    h(
      'p',
      { class: 'entry-head' },
      h('strong', {}, who),
      meta ? h('span', { class: 'muted' }, ` · ${meta}`) : null,
    ),
    h('p', { class: 'entry-text' }, text),
  );
}

function timeline(d) {
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'timeline-title', dataset: { part: 'timeline' } },
    h('h3', { id: 'timeline-title' }, 'Timeline'),
    h(
      'ol',
      { class: 'timeline' },
      (d.timeline ?? []).map((t) =>
        h(
          'li',
          { dataset: { event: t.event, round: t.round } },
          h('time', { datetime: t.at }, when(t.at)),
          ` round ${t.round} · ${t.event.replace(/_/g, ' ')}`,
          t.analyst ? [' by ', h('strong', { class: 'analyst' }, t.analyst)] : null,
          t.detail ? h('span', { class: 'muted' }, ` — ${t.detail}`) : null,
        ),
      ),
    ),
  );
}
