// @ts-check
/* global setTimeout, clearTimeout, EventSource -- browser globals: these modules run in the page, not in Node */
// The live event stream: one EventSource for the page, with its own reconnect when the browser gives up.
import { streamUrl } from './api.js';

const TYPES = ['telemetry', 'alert', 'case'];
const listeners = new Map(TYPES.map((t) => [t, new Set()]));
const statusListeners = new Set();
let source;
let lastEventId;
let retryMs = 1000;
let retryTimer;

export function onEvent(type, fn) {
  listeners.get(type).add(fn);
}

export function onStatus(fn) {
  statusListeners.add(fn);
}

function setStatus(state, detail) {
  for (const fn of statusListeners) fn(state, detail);
}

/**
 * Opens (or reopens) the stream. While the connection merely drops, EventSource reconnects by itself and
 * sends Last-Event-ID; when it closes for good (an HTTP error, a proxy cut), we reopen with
 * `?lastEventId=` after a growing delay, so nothing the server still buffers is missed.
 */
export function connect() {
  clearTimeout(retryTimer);
  source?.close();
  const es = new EventSource(streamUrl(lastEventId));
  source = es;
  setStatus('connecting');
  es.onopen = () => {
    retryMs = 1000;
    setStatus('live');
  };
  es.onerror = () => {
    if (es !== source) return;
    if (es.readyState === EventSource.CLOSED) {
      setStatus('reconnecting', `retrying in ${Math.round(retryMs / 1000)} s`);
      retryTimer = setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 30_000);
    } else {
      setStatus('reconnecting');
    }
  };
  for (const type of TYPES) {
    es.addEventListener(type, (e) => {
      if (e.lastEventId) lastEventId = e.lastEventId;
      let data;
      try {
        data = JSON.parse(e.data);
      } catch {
        return;
      }
      for (const fn of listeners.get(type)) fn(data, e.lastEventId);
    });
  }
  es.addEventListener('reset', () => setStatus('live', 'some earlier events were missed'));
}

export function disconnect() {
  clearTimeout(retryTimer);
  source?.close();
  source = undefined;
  setStatus('offline');
}
