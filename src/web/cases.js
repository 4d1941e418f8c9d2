// @ts-check
/* global setTimeout, clearTimeout, setInterval, clearInterval -- browser globals: these modules run in the page, not in Node */
// The case list: stage, customer, risk, round, a live countdown to the deadline, cost; filter by stage.
import { ApiError, listCases } from './api.js';
import { $, clear, countdown, h, riskBadge, stageBadge, tokens, usd } from './dom.js';
import { onEvent } from './stream.js';

const POLL_MS = 15_000;
let timer;
let inflight = false;
let again = false;

function row(c) {
  const href = `#/cases/${encodeURIComponent(c.caseId)}`;
  return h(
    'tr',
    { dataset: { caseId: c.caseId, stage: c.stage } },
    h(
      'td',
      { 'data-label': 'Case' },
      h('a', { href, class: 'case-link' }, c.rule),
      h('span', { class: 'case-id' }, c.caseId),
    ),
    h('td', { 'data-label': 'Customer' }, c.customerId),
    h('td', { 'data-label': 'Stage' }, stageBadge(c.stage, c.outcome)),
    h('td', { 'data-label': 'Risk' }, riskBadge(c.risk)),
    h('td', { 'data-label': 'Round' }, String(c.round)),
    h('td', { 'data-label': 'Time left' }, countdown(c.deadline)),
    h(
      'td',
      { 'data-label': 'Cost', class: 'nowrap' },
      usd(c.usage?.usd),
      h('span', { class: 'muted small block' }, tokens(c.usage?.tokens)),
    ),
  );
}

export async function refreshCases() {
  if (inflight) {
    again = true;
    return;
  }
  inflight = true;
  try {
    const cases = await listCases(/** @type {HTMLSelectElement} */ ($('stage-filter')).value);
    const body = clear($('case-rows'));
    for (const c of cases) body.append(row(c));
    $('cases-empty').hidden = cases.length > 0;
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

let debounce;
function soon() {
  clearTimeout(debounce);
  debounce = setTimeout(() => void refreshCases(), 250);
}

export function initCases() {
  $('stage-filter').addEventListener('change', () => void refreshCases());
  $('cases-refresh').addEventListener('click', () => void refreshCases());
  onEvent('case', soon);
  onEvent('alert', soon);
}

/** Polls while the list is visible (the stream may be down; other analysts change cases too). */
export function showCases() {
  void refreshCases();
  clearInterval(timer);
  timer = setInterval(() => void refreshCases(), POLL_MS);
}

export function hideCases() {
  clearInterval(timer);
}
