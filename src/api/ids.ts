import { createHash } from 'node:crypto';

/**
 * Deterministic ids for everything the API starts or raises, so a client's retry of the same request
 * lands on the same instance (or decision) instead of a second one.
 */

/** JSON with object keys sorted at every level: equal values give equal text whatever the key order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value))
    return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function sha256Hex(text: string, length = 64): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, length);
}

/** `ingest-<customerId>-<16 hex of the customer's events>`: a retried batch reuses the instance. */
export function ingestInstanceId(customerId: string, events: readonly unknown[]): string {
  return `ingest-${customerId}-${sha256Hex(canonicalJson(events), 16)}`;
}

/** Alert id of a manual case: from the request's content plus the client's optional `requestId`. */
export function manualAlertId(content: Record<string, unknown>): string {
  return `manual-${sha256Hex(canonicalJson(content), 20)}`;
}

export function decisionIdFor(d: {
  caseId: string;
  round: number;
  decision: string;
  action?: string | undefined;
  feedback?: string | undefined;
  analyst: string;
}): string {
  const text = canonicalJson([
    d.caseId,
    d.round,
    d.decision,
    d.action ?? null,
    d.feedback ?? null,
    d.analyst,
  ]);
  return `dec-${sha256Hex(text, 24)}`;
}

/**
 * Instance ids the API accepts in paths: the charset `caseIdFor` produces, starting with a letter or digit.
 * Anything else is answered 404 before it reaches the durable client (which puts ids into URLs unescaped).
 */
const INSTANCE_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/;
export function isValidInstanceId(id: string | undefined): id is string {
  return id !== undefined && INSTANCE_ID.test(id);
}
