// @ts-check
/* global location, history, URLSearchParams, setTimeout, clearTimeout, setInterval, clearInterval -- browser globals: these modules run in the page, not in Node */
// The case list, for triage: by default the cases that wait for a decision, soonest deadline first;
// filters, search, sort and paging are answered by the server's case index (never filtered here).
import { ApiError, listCases } from './api.js';
import { $, ago, breakable, clear, countdown, h, riskBadge, stageBadge, tokens, usd, when } from './dom.js';
import { OUTCOME_LABEL, OUTCOMES, RISK_LEVEL_LABEL, RISK_LEVELS, RULE_LABEL, RULES } from './labels.js';
import { onEvent } from './stream.js';

const POLL_MS = 15_000;
const PAGE_SIZES = ['10', '25', '50', '100'];

/** @typedef {{ status: string, outcome: string, riskLevel: string, rule: string, q: string, sort: string, limit: string }} View */
/** @type {View} */
export const DEFAULT_VIEW = {
  status: 'awaiting_decision',
  outcome: '',
  riskLevel: '',
  rule: '',
  q: '',
  sort: 'deadline',
  limit: '25',
};
const FILTERS = /** @type {const} */ ({
  status: 'stage-filter',
  outcome: 'outcome-filter',
  riskLevel: 'risk-filter',
  rule: 'rule-filter',
  sort: 'sort-order',
  limit: 'page-size',
});
const STAGE_OPTIONS = [
  ['awaiting_decision', 'awaiting decision'],
  ['open', 'open (not closed)'],
  ['investigating', 'investigating'],
  ['executing', 'executing'],
  ['closed', 'closed'],
  ['', 'all stages'],
];
const SORT_OPTIONS = [
  ['deadline', 'soonest deadline'],
  ['risk', 'highest risk'],
  ['opened', 'newest'],
];
const SORT_TEXT = { deadline: 'soonest deadline first', risk: 'highest risk first', opened: 'newest first' };

/** @type {View} */
let view = { ...DEFAULT_VIEW };
/** cursors[i] opens page i (page 0 needs none). */
let cursors = [undefined];
let page = 0;
let timer;
let inflight = false;
let again = false;

const select = (/** @type {string} */ id) => /** @type {HTMLSelectElement} */ ($(id));
const options = (/** @type {string[][]} */ pairs) =>
  pairs.map(([value, label]) => h('option', { value }, label));

function row(c) {
  const href = `#/cases/${encodeURIComponent(c.caseId)}`;
  return h(
    'tr',
    { dataset: { caseId: c.caseId, stage: c.stage } },
    h(
      'td',
      { 'data-label': 'Case' },
      h('a', { href, class: 'case-link' }, RULE_LABEL[c.rule] ?? c.rule),
      h('span', { class: 'case-id' }, breakable(c.caseId)),
    ),
    h('td', { 'data-label': 'Customer' }, c.customerId),
    h(
      'td',
      { 'data-label': 'Stage' },
      stageBadge(c.stage, c.outcome),
      h('span', { class: 'muted small block' }, `round ${c.round}`),
    ),
    h('td', { 'data-label': 'Risk' }, riskBadge(c.risk)),
    h('td', { 'data-label': 'Time left' }, countdown(c.deadline)),
    h(
      'td',
      { 'data-label': 'Opened', class: 'nowrap' },
      h(
        'time',
        { datetime: c.openedAt, title: when(c.openedAt), dataset: { ago: c.openedAt } },
        ago(c.openedAt),
      ),
    ),
    h(
      'td',
      { 'data-label': 'Cost', class: 'nowrap' },
      usd(c.usage?.usd),
      h('span', { class: 'muted small block' }, tokens(c.usage?.tokens)),
    ),
  );
}

/** "Cases awaiting a decision for C013, high risk, soonest deadline first" */
function describeView() {
  const stage = STAGE_OPTIONS.find(([v]) => v === view.status)?.[1] ?? 'all stages';
  const parts = [view.status ? `Cases ${stage}` : 'All cases'];
  if (view.outcome) parts.push(`outcome ${OUTCOME_LABEL[view.outcome] ?? view.outcome}`);
  if (view.riskLevel) parts.push(`${view.riskLevel} risk`);
  if (view.rule) parts.push(RULE_LABEL[view.rule] ?? view.rule);
  if (view.q) parts.push(`matching “${view.q}”`);
  return `${parts.join(', ')} — ${SORT_TEXT[view.sort] ?? view.sort}`;
}

/** The default cases (the page size is a preference, not a filter). */
function isDefault() {
  return Object.entries(DEFAULT_VIEW).every(([k, v]) => k === 'limit' || view[k] === v);
}

export async function refreshCases() {
  if (inflight) {
    again = true;
    return;
  }
  inflight = true;
  try {
    const cursor = cursors[page];
    const r = await listCases({ ...view, cursor });
    if (r.cases.length === 0 && page > 0) {
      // The cases of this page moved on (decided, closed): start again from the first page.
      page = 0;
      cursors = [undefined];
      again = true;
      return;
    }
    cursors[page + 1] = r.nextCursor;
    const body = clear($('case-rows'));
    for (const c of r.cases) body.append(row(c));
    const empty = $('cases-empty');
    empty.hidden = r.cases.length > 0;
    empty.textContent = isDefault()
      ? 'No case is waiting for a decision. Cases appear here as soon as their investigation needs you.'
      : 'No cases match these filters.';
    const size = Number(view.limit);
    const first = page * size + 1;
    const last = page * size + r.cases.length;
    $('cases-range').textContent =
      r.cases.length === 0 ? '' : `${first}–${last}${r.total !== undefined ? ` of ${r.total}` : ''}`;
    /** @type {HTMLButtonElement} */ ($('cases-prev')).disabled = page === 0;
    /** @type {HTMLButtonElement} */ ($('cases-next')).disabled = !r.nextCursor;
    $('cases-error').textContent = '';
  } catch (err) {
    $('cases-error').textContent =
      err instanceof ApiError
        ? `Could not load cases (${err.status}): ${err.message}`
        : `Could not load cases: ${err.message}`;
  } finally {
    inflight = false;
    if (again) {
      again = false;
      void refreshCases();
    }
  }
}

/** The view lives in the address (`#/?status=closed&sort=risk`): a reload or a shared link keeps it. */
function readViewFromHash() {
  const m = /^#\/\?(.*)$/.exec(location.hash);
  const q = new URLSearchParams(m ? m[1] : '');
  view = { ...DEFAULT_VIEW };
  for (const k of Object.keys(DEFAULT_VIEW)) if (q.has(k)) view[k] = q.get(k) ?? '';
  if (!PAGE_SIZES.includes(view.limit)) view.limit = DEFAULT_VIEW.limit;
}

/** The address of the list as the analyst left it (the case view's way back). */
export function dashboardHash() {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(view)) if (v !== DEFAULT_VIEW[k]) q.set(k, v);
  return q.toString() ? `#/?${q}` : '#/';
}

function writeViewToHash() {
  const hash = dashboardHash();
  if (location.hash !== hash) history.replaceState(null, '', hash);
}

function showView() {
  for (const [k, id] of Object.entries(FILTERS)) select(id).value = view[k];
  /** @type {HTMLInputElement} */ ($('case-search')).value = view.q;
  $('cases-view').textContent = describeView();
  $('cases-caption').textContent = describeView();
  /** @type {HTMLButtonElement} */ ($('cases-reset')).hidden = isDefault();
}

function changeView(/** @type {Partial<View>} */ changes) {
  view = { ...view, ...changes };
  // An outcome only exists for closed cases: choosing one shows closed cases.
  if (changes.outcome && view.status !== 'closed' && view.status !== '') view.status = 'closed';
  page = 0;
  cursors = [undefined];
  writeViewToHash();
  showView();
  void refreshCases();
}

let debounce;
function soon() {
  clearTimeout(debounce);
  debounce = setTimeout(() => void refreshCases(), 250);
}

export function initCases() {
  select('stage-filter').replaceChildren(...options(STAGE_OPTIONS));
  select('outcome-filter').replaceChildren(
    ...options([['', 'any outcome'], ...OUTCOMES.map((o) => [o, OUTCOME_LABEL[o]])]),
  );
  select('risk-filter').replaceChildren(
    ...options([['', 'any risk'], ...RISK_LEVELS.map((l) => [l, RISK_LEVEL_LABEL[l]])]),
  );
  select('rule-filter').replaceChildren(
    ...options([['', 'any rule'], ...RULES.map((r) => [r, RULE_LABEL[r]])]),
  );
  select('sort-order').replaceChildren(...options(SORT_OPTIONS));
  select('page-size').replaceChildren(...options(PAGE_SIZES.map((n) => [n, n])));
  for (const [k, id] of Object.entries(FILTERS))
    select(id).addEventListener('change', () => changeView({ [k]: select(id).value }));
  let typing;
  $('case-search').addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(
      () => changeView({ q: /** @type {HTMLInputElement} */ ($('case-search')).value.trim() }),
      300,
    );
  });
  $('case-filters').addEventListener('submit', (e) => {
    e.preventDefault();
    clearTimeout(typing);
    changeView({ q: /** @type {HTMLInputElement} */ ($('case-search')).value.trim() });
  });
  $('cases-reset').addEventListener('click', () => changeView({ ...DEFAULT_VIEW, limit: view.limit }));
  $('cases-prev').addEventListener('click', () => {
    page = Math.max(0, page - 1);
    void refreshCases();
  });
  $('cases-next').addEventListener('click', () => {
    if (!cursors[page + 1]) return;
    page += 1;
    void refreshCases();
  });
  $('cases-refresh').addEventListener('click', () => void refreshCases());
  onEvent('case', soon);
  onEvent('alert', soon);
}

/** Polls while the list is visible (the stream may be down; other analysts change cases too). */
export function showCases() {
  readViewFromHash();
  showView();
  void refreshCases();
  clearInterval(timer);
  timer = setInterval(() => void refreshCases(), POLL_MS);
}

export function hideCases() {
  clearInterval(timer);
}
