// @ts-check
/* global document, sessionStorage, fetch, URLSearchParams -- browser globals: these modules run in the page, not in Node */
// The API client: base path from the page, the function key from session storage (or none: Easy Auth).

const KEY_STORAGE = 'dfa.functionKey';
export const base =
  /** @type {HTMLMetaElement | null} */ (document.querySelector('meta[name="api-base"]'))?.content || '/api/';

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error ?? `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

export const key = {
  get: () => sessionStorage.getItem(KEY_STORAGE),
  set: (v) => sessionStorage.setItem(KEY_STORAGE, v),
  forget: () => sessionStorage.removeItem(KEY_STORAGE),
  known: () => sessionStorage.getItem(KEY_STORAGE) !== null,
};

let onUnauthorized = () => {};
export function whenUnauthorized(fn) {
  onUnauthorized = fn;
}

/**
 * JSON in, JSON out; a non-2xx answer throws ApiError carrying the server's `{error, details}`.
 * @param {string} path
 * @param {{ method?: string, body?: unknown }} [options]
 */
export async function api(path, { method = 'GET', body } = {}) {
  const headers = { accept: 'application/json' };
  const k = key.get();
  if (k) headers['x-functions-key'] = k;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(base + path, {
    method,
    headers,
    credentials: 'same-origin',
    cache: 'no-store',
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = { error: text.slice(0, 300) || `HTTP ${res.status}` };
  }
  if (res.status === 401) onUnauthorized();
  if (!res.ok) throw new ApiError(res.status, json);
  return { status: res.status, body: json };
}

/**
 * One page of the case index. Empty values are left out of the query.
 * @param {Record<string, string | number | undefined>} query
 * @returns {Promise<{ cases: any[], count: number, total?: number, nextCursor?: string }>}
 */
export function listCases(query) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') q.set(k, String(v));
  return api(`cases?${q}`).then((r) => r.body);
}
export const getCase = (caseId) => api(`cases/${encodeURIComponent(caseId)}`).then((r) => r.body);
export const postDecision = (caseId, body) =>
  api(`cases/${encodeURIComponent(caseId)}/decision`, { method: 'POST', body });

/** EventSource cannot send headers: the key goes as `?code=`, which the Functions host accepts too. */
export function streamUrl(lastEventId) {
  const q = new URLSearchParams();
  const k = key.get();
  if (k) q.set('code', k);
  if (lastEventId) q.set('lastEventId', lastEventId);
  const qs = q.toString();
  return `${base}stream${qs ? `?${qs}` : ''}`;
}
