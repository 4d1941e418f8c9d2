import { randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The host's keys, as the Functions host has them: a function (host) key for `function` level triggers,
 * a master key that opens everything (and is the only key for `admin`), and the Durable extension's
 * system key that the `/runtime/webhooks/durabletask` URLs carry as `code=`.
 */
export interface HostKeys {
  functionKey: string;
  masterKey: string;
  systemKey: string;
}

export type KeyLevel = 'anonymous' | 'function' | 'admin' | 'system';

export function generateKey(): string {
  // Same alphabet and rough length as the host's generated keys (base64url, 40+ chars).
  return randomBytes(30).toString('base64url');
}

export function createHostKeys(opts: {
  functionKey?: string;
  masterKey?: string;
  systemKey?: string;
}): HostKeys {
  return {
    functionKey: opts.functionKey ?? generateKey(),
    masterKey: opts.masterKey ?? generateKey(),
    systemKey: opts.systemKey ?? generateKey(),
  };
}

/** The key a request presents: `x-functions-key` header first, else `?code=`. */
export function presentedKey(
  headers: Record<string, string | string[] | undefined>,
  url: URL,
): string | undefined {
  const header = headers['x-functions-key'];
  const fromHeader = Array.isArray(header) ? header[0] : header;
  return fromHeader || url.searchParams.get('code') || undefined;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function isAuthorized(level: KeyLevel, key: string | undefined, keys: HostKeys): boolean {
  if (level === 'anonymous') return true;
  if (key === undefined) return false;
  if (same(key, keys.masterKey)) return true;
  if (level === 'function') return same(key, keys.functionKey);
  if (level === 'system') return same(key, keys.systemKey);
  return false;
}

const KEY_NAME: Record<Exclude<KeyLevel, 'anonymous'>, string> = {
  function: 'a function key (or the master key)',
  admin: 'the master key',
  system: "the Durable extension's system key (or the master key)",
};

/**
 * The body of a 401. In Azure the Functions host answers a missing or wrong key with an empty 401 before
 * any function runs; offline the host says, as JSON `{error, details}`, which key is needed and where
 * it goes, so that a newcomer's first refused call explains itself (the status is the same).
 */
export function unauthorizedBody(level: Exclude<KeyLevel, 'anonymous'>, presented: string | undefined) {
  return {
    error: presented === undefined ? 'missing key' : 'wrong key',
    details: `${presented === undefined ? 'No key was sent' : 'The key sent is not valid here'}: this route needs ${KEY_NAME[level]}, sent as the x-functions-key header or ?code=.`,
  };
}
