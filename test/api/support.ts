import { expect } from 'vitest';
import type { OfflineHost } from '../../scripts/offline-host/index';
import { startOfflineHost } from '../../scripts/offline-host/index';
import { plantedPatterns } from '../../src/tools/data/planted';
import { APP_DIR } from '../support/app';

/**
 * The API under test: the real app (dist/, built by `npm test`'s pretest) on the offline host with a
 * virtual clock and no simulator, called over real HTTP with the function key.
 */
export const KEY = 'api-test-key';

export async function startApi(env: Record<string, string> = {}): Promise<OfflineHost> {
  const host = await startOfflineHost({
    appDir: APP_DIR,
    port: 0,
    clock: 'virtual',
    inMemory: true,
    functionKey: KEY,
    env: { SIMULATOR_ENABLED: 'false', ...env },
  });
  if (!host.functions.some((f) => f.name === 'httpHealth')) {
    await host.stop();
    throw new Error('The app registers no HTTP API functions: src/index.ts must import ./functions/http.');
  }
  return host;
}

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON body (undefined when the body is empty or not JSON). */
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- test convenience: bodies are asserted field by field
}

export interface CallOptions {
  body?: unknown;
  /** Raw body bytes/text, sent as is (no JSON encoding). */
  raw?: string | Uint8Array;
  headers?: Record<string, string>;
  /** false = no key; a string = that key. Default: the right key. */
  key?: string | false;
}

export async function call(
  host: OfflineHost,
  method: string,
  path: string,
  opts: CallOptions = {},
): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (opts.key !== false) headers['x-functions-key'] = opts.key ?? host.functionKey;
  let body: string | Uint8Array | undefined;
  if (opts.raw !== undefined) body = opts.raw;
  else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] = 'application/json';
  }
  Object.assign(headers, opts.headers);
  const res = await fetch(`${host.baseUrl}${path}`, {
    method,
    headers,
    ...(body !== undefined ? { body } : {}),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** A 4xx answered by the app: JSON `{error: string, details?}`. */
export function expectJsonError(r: Reply, status: number): void {
  expect(r.status, r.text).toBe(status);
  expect(r.headers.get('content-type')).toMatch(/^application\/json/);
  expect(typeof r.json?.error).toBe('string');
  expect(Object.keys(r.json).every((k) => k === 'error' || k === 'details')).toBe(true);
}

/**
 * Every instance and the entities the API could touch, to show a rejected request changed nothing.
 * `withStatus` adds each instance's custom status (a raised decision would show there); only for
 * hosts whose cases have settled, or a case's own progress shows up as a change.
 */
export async function snapshot(
  host: OfflineHost,
  customerIds: string[] = [],
  withStatus = false,
): Promise<string> {
  await host.engine.idle();
  const { instances } = await host.engine.query({});
  const ids = instances
    .map(
      (i) =>
        `${i.name}:${i.instanceId}:${i.runtimeStatus}${withStatus ? `:${JSON.stringify(i.customStatus)}` : ''}`,
    )
    .sort();
  const entities = await Promise.all(
    customerIds.map((c) => host.engine.readEntityState('customerProfile', c)),
  );
  return JSON.stringify({ ids, entities });
}

export const T = '2026-11-22T10:00:00.000Z';
export const at = (seconds: number) => new Date(Date.parse(T) + seconds * 1000).toISOString();

export function authFailures(customerId: string, n: number, startSeconds = 0) {
  return Array.from({ length: n }, (_, i) => ({
    type: 'auth_failure',
    customerId,
    timestamp: at(startSeconds + i * 10),
  }));
}

export function transaction(customerId: string, amount: number, seconds = 0) {
  return { type: 'transaction', customerId, timestamp: at(seconds), amount, merchant: 'Contoso Store' };
}

/** Customers picked by what the Contoso data shows (the scripted model reads the data, not this map). */
const strong = (p: (typeof plantedPatterns)[string]) =>
  [p.usage, p.location, p.billing].filter((s) => s === 'strong').length;
export const COMPROMISED_ALL = Object.entries(plantedPatterns)
  .filter(([, p]) => strong(p) >= 2)
  .map(([id]) => id);
export const COMPROMISED = COMPROMISED_ALL[0]!;
export const CLEAN = Object.entries(plantedPatterns).find(([, p]) =>
  p.patterns.includes('clean_control'),
)![0];
export const CLEAN_2 = Object.entries(plantedPatterns).filter(([, p]) =>
  p.patterns.includes('clean_control'),
)[1]![0];
