// @ts-check
/* global document, Node -- browser globals: these modules run in the page, not in Node */
// Small DOM and formatting helpers. Text always goes in as text nodes: data from the API is never HTML.
import { OUTCOME_LABEL, STAGE_LABEL } from './labels.js';

/** h('p', {class: 'x', onclick: fn}, 'text', child) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** @param {string} id */
export const $ = (id) => document.getElementById(id);

/**
 * An id as text that may wrap only after its separators (- _ : .), never inside a word:
 * `case-manual-1b80c54b` breaks as `case-` / `manual-` / `1b80c54b`.
 * @param {string} id
 */
export function breakable(id) {
  const out = [];
  for (const part of String(id).split(/(?<=[-_:.])/)) out.push(part, document.createElement('wbr'));
  out.pop();
  return out;
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

/**
 * @param {import('./labels.js').Stage} stage
 * @param {import('./labels.js').Outcome} [outcome]
 */
export function stageBadge(stage, outcome) {
  return h(
    'span',
    { class: `badge stage-${stage}` },
    STAGE_LABEL[stage] ?? stage,
    outcome ? ` · ${OUTCOME_LABEL[outcome] ?? outcome}` : '',
  );
}

export function riskBadge(risk) {
  if (!risk) return h('span', { class: 'badge risk-none' }, '—');
  return h(
    'span',
    { class: `badge risk-${risk.level}` },
    `${risk.level} ${Number(risk.score).toFixed(2)}`,
    risk.degraded ? ' · degraded' : '',
  );
}

export function usd(n) {
  const v = Number(n) || 0;
  return v === 0 ? '$0' : v < 0.01 ? `$${v.toFixed(4)}` : `$${v.toFixed(2)}`;
}

export function tokens(n) {
  const v = Number(n) || 0;
  return v >= 10_000 ? `${(v / 1000).toFixed(1)}k tok` : `${v} tok`;
}

export function cost(usage) {
  return `${usd(usage?.usd)} · ${tokens(usage?.tokens)}`;
}

export function when(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : d.toISOString().replace('T', ' ').slice(0, 19) + 'Z';
}

export function clock(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString().slice(11, 19);
}

/** Time left until `deadline` as "2d 23:59:58", or "overdue 0:00:05". */
export function timeLeft(deadline, now = Date.now()) {
  const ms = Date.parse(deadline) - now;
  const abs = Math.abs(ms);
  const s = Math.floor(abs / 1000);
  const days = Math.floor(s / 86400);
  const hh = String(Math.floor((s % 86400) / 3600)).padStart(2, '0');
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  const text = `${days > 0 ? `${days}d ` : ''}${hh}:${mm}:${ss}`;
  return ms >= 0 ? text : `overdue ${text}`;
}

/** A live countdown element; tickCountdowns() updates every one on the page. */
export function countdown(deadline) {
  if (!deadline) return h('span', { class: 'muted' }, '—');
  return h(
    'time',
    { class: 'countdown', datetime: deadline, dataset: { deadline }, title: `deadline ${when(deadline)}` },
    timeLeft(deadline),
  );
}

/** How long ago, coarsely: "just now", "12 min ago", "3 h ago", "2 d ago". */
export function ago(iso, now = Date.now()) {
  const ms = now - Date.parse(iso);
  if (Number.isNaN(ms)) return '';
  const min = Math.floor(ms / 60_000);
  if (min < 1) return 'just now';
  if (min < 60) return `${min} min ago`;
  const hours = Math.floor(min / 60);
  return hours < 48 ? `${hours} h ago` : `${Math.floor(hours / 24)} d ago`;
}

export function tickCountdowns() {
  const now = Date.now();
  for (const el of document.querySelectorAll('[data-ago]')) {
    const text = ago(/** @type {HTMLElement} */ (el).dataset.ago, now);
    if (el.textContent !== text) el.textContent = text;
  }
  for (const el of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('[data-deadline]'))) {
    const text = timeLeft(el.dataset.deadline, now);
    if (el.textContent !== text) el.textContent = text;
    el.classList.toggle('overdue', text.startsWith('overdue'));
  }
}
