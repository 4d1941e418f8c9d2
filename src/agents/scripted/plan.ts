/**
 * The scripted model's planning: which of the offered tools to call next, with arguments filled from
 * the alert and earlier results by reading each tool's JSON schema. A tool whose required arguments
 * are not known yet (a subscription id before the customer record is in) waits for a later turn.
 */
import type { ToolSpec } from '../model';
import { analyze, type Role } from './analyze';
import { arr, num, obj, str, type AlertFacts, type ToolResult } from './read';

/** How far back each tool looks on a first pass; feedback that points at a tool widens it to all data. */
const LOOKBACK_DAYS: Record<string, number> = { get_data_usage: 60, get_security_logs: 30 };

/** Identity of a call: the same tool with the same arguments is never asked twice in a conversation. */
export const callKey = (name: string, args: unknown) => `${name}:${JSON.stringify(args)}`;

export interface PlannedCall {
  name: string;
  args: Record<string, unknown>;
}

/** Feedback words → the tool that checks them. Only tools this specialist holds are re-called. */
export const FEEDBACK_TOOLS: Array<[RegExp, string]> = [
  [/\b(billing|bill|invoices?|charges?|payments?|refunds?|disputes?|chargebacks?)\b/i, 'get_billing_summary'],
  [/\b(orders?|shipments?|shipping|purchases?)\b/i, 'get_customer_orders'],
  [
    /\b(logins?|sign-?ins?|locations?|travel|countr(y|ies)|security|mfa|devices?|ip|vpn)\b/i,
    'get_security_logs',
  ],
  [/\b(usage|data|traffic|downloads?|consumption)\b/i, 'get_data_usage'],
  [/\b(subscriptions?|plans?|sim|lines?)\b/i, 'get_subscription_detail'],
];

export function plan(
  tools: readonly ToolSpec[],
  alert: AlertFacts,
  alertValue: Record<string, unknown>,
  results: readonly ToolResult[],
  called: ReadonlySet<string>,
  feedback: readonly string[],
  role: Role,
): PlannedCall[] {
  const recheck = new Set(
    FEEDBACK_TOOLS.filter(([re]) => feedback.some((f) => re.test(f))).map(([, tool]) => tool),
  );
  const pending: PlannedCall[] = [];
  for (const spec of tools.filter((t) => t.name !== 'search_knowledge_base')) {
    const modes: Array<'normal' | 'wide'> = recheck.has(spec.name) ? ['normal', 'wide'] : ['normal'];
    for (const mode of modes)
      for (const args of argSets(spec, alert, alertValue, results, mode))
        if (
          !called.has(callKey(spec.name, args)) &&
          !pending.some((p) => callKey(p.name, p.args) === callKey(spec.name, args))
        )
          pending.push({ name: spec.name, args });
  }
  if (pending.length > 0) return pending;
  // The playbook last: its query names what the data showed.
  const kb = tools.find((t) => t.name === 'search_knowledge_base');
  if (kb && results.length > 0 && ![...called].some((k) => k.startsWith('search_knowledge_base:'))) {
    const query = analyze(role, results, alert).kbQuery;
    return [{ name: kb.name, args: fill(kb, { query }) }];
  }
  return [];
}

/**
 * Argument sets for one tool, filled from what is known (alert, earlier results) by reading the
 * tool's JSON schema. A tool whose required arguments are not known yet waits for a later turn.
 */
function argSets(
  spec: ToolSpec,
  alert: AlertFacts,
  alertValue: Record<string, unknown>,
  results: readonly ToolResult[],
  mode: 'normal' | 'wide',
): Array<Record<string, unknown>> {
  const props = obj(spec.parameters.properties);
  const required = new Set(arr(spec.parameters.required).map(String));
  const coverage = coverageOf(spec);
  const end = minDate(dateOf(str(alertValue.detectedAt)) ?? coverage?.end, coverage?.end);
  const lookback = LOOKBACK_DAYS[spec.name] ?? 90;
  const start =
    mode === 'wide'
      ? coverage?.start
      : maxDate(end ? addDays(end, -(lookback - 1)) : undefined, coverage?.start);
  const subscriptionIds = subscriptionsIn(results);

  const base: Record<string, unknown> = {};
  let perSubscription = false;
  for (const [key, schema] of Object.entries(props)) {
    const s = obj(schema);
    let value: unknown;
    if (/^customer_?id$/i.test(key)) value = alert.customerId || undefined;
    else if (/^subscription_?id$/i.test(key)) {
      if (required.has(key)) perSubscription = true;
      continue;
    } else if (/^(start(_date)?|from|since)$/i.test(key)) value = start;
    else if (/^(end(_date)?|to|until)$/i.test(key)) value = end;
    else if (/^aggregate$/i.test(key)) value = arr(s.enum).includes('daily') ? 'daily' : undefined;
    else if (/^limit$/i.test(key)) value = num(s.maximum);
    if (value !== undefined) base[key] = value;
    else if (required.has(key)) return [];
  }
  if (!perSubscription) return [base];
  const subKey = Object.keys(props).find((k) => /^subscription_?id$/i.test(k))!;
  return subscriptionIds.map((id) => ({ ...base, [subKey]: id }));
}

function fill(spec: ToolSpec, known: Record<string, unknown>): Record<string, unknown> {
  const props = obj(spec.parameters.properties);
  return Object.fromEntries(Object.entries(known).filter(([k]) => k in props));
}

function subscriptionsIn(results: readonly ToolResult[]): string[] {
  const ids = new Set<string>();
  for (const r of results) {
    const v = obj(r.value);
    for (const id of arr(v.subscriptionIds)) if (typeof id === 'string') ids.add(id);
    for (const s of arr(v.subscriptions)) {
      const id = str(obj(s).subscriptionId);
      if (id) ids.add(id);
    }
  }
  return [...ids];
}

/**
 * The data window a tool documents ("data covers 2026-01-01..2026-03-31", "up to 2026-03-31"), read
 * from its description and parameter descriptions: the earliest and latest dates named.
 */
function coverageOf(spec: ToolSpec): { start: string; end: string } | undefined {
  const dates = [
    ...`${spec.description} ${JSON.stringify(spec.parameters)}`.matchAll(/\b(\d{4}-\d{2}-\d{2})\b/g),
  ]
    .map((m) => m[1]!)
    .sort();
  return dates.length ? { start: dates[0]!, end: dates[dates.length - 1]! } : undefined;
}
const dateOf = (iso?: string) => (iso && /^\d{4}-\d{2}-\d{2}/.test(iso) ? iso.slice(0, 10) : undefined);
const minDate = (a?: string, b?: string) => (a && b ? (a < b ? a : b) : (a ?? b));
const maxDate = (a?: string, b?: string) => (a && b ? (a > b ? a : b) : (a ?? b));
const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
