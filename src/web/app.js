// @ts-check
/* global document, window, location, setInterval -- browser globals: these modules run in the page, not in Node */
// Boot: the key, the stream, the two views (#/ = cases + live feed, #/cases/<id> = one case).
import { api, ApiError, key, whenUnauthorized } from './api.js';
import { showCase, hideCase, initCaseView } from './case-view.js';
import { hideCases, initCases, showCases } from './cases.js';
import { $, tickCountdowns } from './dom.js';
import { initFeed } from './feed.js';
import { connect, disconnect, onStatus } from './stream.js';

const STATUS_TEXT = {
  connecting: 'connecting…',
  live: 'live',
  reconnecting: 'reconnecting…',
  offline: 'not connected',
};

function route() {
  const m = /^#\/cases\/(.+)$/.exec(location.hash);
  const caseId = m ? decodeURIComponent(m[1]) : undefined;
  $('view-dashboard').hidden = Boolean(caseId);
  $('view-case').hidden = !caseId;
  if (caseId) {
    hideCases();
    showCase(caseId);
    document.title = `Case ${caseId} — Fraud analyst console`;
  } else {
    hideCase();
    showCases();
    document.title = 'Fraud analyst console';
  }
}

function askForKey(message = '') {
  disconnect();
  hideCases();
  hideCase();
  $('key-panel').hidden = false;
  $('view-dashboard').hidden = true;
  $('view-case').hidden = true;
  $('change-key').hidden = true;
  $('key-error').textContent = message;
  /** @type {HTMLInputElement} */ ($('key-input')).value = key.get() ?? '';
  $('key-input').focus();
}

let started = false;
function start() {
  $('key-panel').hidden = true;
  $('change-key').hidden = false;
  connect();
  if (!started) {
    started = true;
    window.addEventListener('hashchange', () => {
      route();
      $('main').focus({ preventScroll: true });
    });
  }
  route();
}

async function tryKey(value) {
  key.set(value);
  try {
    await api('cases?limit=1');
    start();
  } catch (err) {
    if (err instanceof ApiError && err.status === 401)
      askForKey('That key was refused (401). Check the function key and try again.');
    else askForKey(`Could not reach the API: ${err.message}`);
  }
}

function init() {
  initFeed();
  initCases();
  initCaseView();
  onStatus((state, detail) => {
    const el = $('conn');
    el.textContent = `stream: ${STATUS_TEXT[state] ?? state}${detail ? ` (${detail})` : ''}`;
    el.dataset.state = state;
  });
  whenUnauthorized(() => askForKey('The API refused the key (401). Enter a valid function key.'));
  $('key-form').addEventListener('submit', (e) => {
    e.preventDefault();
    void tryKey(/** @type {HTMLInputElement} */ ($('key-input')).value.trim());
  });
  $('change-key').addEventListener('click', () => askForKey());
  setInterval(tickCountdowns, 1000);
  if (key.known()) start();
  else askForKey();
}

init();
