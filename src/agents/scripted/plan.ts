/**
 * The scripted model's planning: which of the offered tools to call next, with arguments filled from
 * the alert and earlier results by reading each tool's JSON schema. A tool whose required arguments
 * are not known yet (a subscription id before the customer record is in) waits for a later turn.
 *
 * Like an investigator: read the account's activity first; look for benign explanations (the account
 * context) once something needs explaining; read what the analyst's directives ask for, in full; the
 * playbook last.
 */
import type { ToolSpec } from '../model';
import { analyze, type Role } from './analyze';
import { arr, num, obj, str, type AlertFacts, type ToolResult } from './read';

/** How far back each tool looks on a first pass; a directive to check it reads its widest window. */
const LOOKBACK_DAYS: Record<string, number> = { get_data_usage: 60, get_security_logs: 30 };
/** Read only when something calls for them. */
const ON_DEMAND = new Set([
  'get_account_context',
  'get_customer_orders',
  'get_account_timeline',
  'search_knowledge_base',
]);

/** Identity of a call: the same tool with the same arguments is never asked twice in a conversation. */
export const callKey = (name: string, args: unknown) => `${name}:${JSON.stringify(args)}`;

export interface PlannedCall {
  name: string;
  args: Record<string, unknown>;
}

/** A check the analyst's directives ask of this specialist. */
export interface DirectedCheck {
  tool: string;
  wide: boolean;
}

export function plan(
  tools: readonly ToolSpec[],
  alert: AlertFacts,
  results: readonly ToolResult[],
  called: ReadonlySet<string>,
  directed: readonly DirectedCheck[],
  role: Role,
): PlannedCall[] {
  const offered = new Map(tools.map((t) => [t.name, t]));
  const pending: PlannedCall[] = [];
  const add = (spec: ToolSpec, mode: 'normal' | 'wide') => {
    for (const args of argSets(spec, alert, results, mode))
      if (
        !called.has(callKey(spec.name, args)) &&
        !pending.some((p) => callKey(p.name, p.args) === callKey(spec.name, args))
      )
        pending.push({ name: spec.name, args });
  };
  const manual = alert.rules?.includes('manual') ?? false;
  for (const spec of tools)
    if (!ON_DEMAND.has(spec.name) || (manual && spec.name === 'get_customer_orders')) add(spec, 'normal');
  for (const check of directed) {
    const spec = offered.get(check.tool);
    if (spec && check.tool !== 'search_knowledge_base') add(spec, check.wide ? 'wide' : 'normal');
  }
  if (pending.length > 0) return pending;

  // Something to explain: look for the customer's own reasons in the account context.
  const context = offered.get('get_account_context');
  if (
    context &&
    results.length > 0 &&
    !wasCalled(called, context.name) &&
    analyze(role, results, alert).score >= 0.2
  ) {
    add(context, 'normal');
    if (pending.length > 0) return pending;
  }
  // The playbook last: its query names what the data showed.
  const kb = offered.get('search_knowledge_base');
  if (kb && results.length > 0 && !wasCalled(called, kb.name)) {
    const query = analyze(role, results, alert).kbQuery;
    return [{ name: kb.name, args: fill(kb, { query }) }];
  }
  return [];
}

const wasCalled = (called: ReadonlySet<string>, tool: string) =>
  [...called].some((k) => k.startsWith(`${tool}:`));

/**
 * Argument sets for one tool, filled from what is known (alert, earlier results) by reading the
 * tool's JSON schema. A tool whose required arguments are not known yet waits for a later turn.
 */
function argSets(
  spec: ToolSpec,
  alert: AlertFacts,
  results: readonly ToolResult[],
  mode: 'normal' | 'wide',
): Array<Record<string, unknown>> {
  const props = obj(spec.parameters.properties);
  const required = new Set(arr(spec.parameters.required).map(String));
  const lookback = LOOKBACK_DAYS[spec.name];
  const base: Record<string, unknown> = {};
  let perSubscription = false;
  for (const [key, schema] of Object.entries(props)) {
    const s = obj(schema);
    let value: unknown;
    if (/^customer_?id$/i.test(key)) value = alert.customerId || undefined;
    else if (/^subscription_?id$/i.test(key)) {
      if (required.has(key)) perSubscription = true;
      continue;
    } else if (/^days$/i.test(key)) value = mode === 'wide' ? num(s.maximum) : lookback;
    else if (/^since$/i.test(key))
      value = mode === 'wide' || !lookback ? undefined : daysBefore(alert.asOf, lookback);
    else if (/^aggregate$/i.test(key)) value = arr(s.enum).includes('daily') ? 'daily' : undefined;
    else if (/^limit$/i.test(key)) value = num(s.maximum);
    if (value !== undefined) base[key] = value;
    else if (required.has(key)) return [];
  }
  if (!perSubscription) return [base];
  const subKey = Object.keys(props).find((k) => /^subscription_?id$/i.test(k))!;
  return subscriptionsIn(results).map((id) => ({ ...base, [subKey]: id }));
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

/** The date `days` before the as-of (YYYY-MM-DD), or undefined when the as-of is unknown. */
function daysBefore(asOf: string | undefined, days: number): string | undefined {
  const t = asOf ? Date.parse(asOf) : Number.NaN;
  return Number.isFinite(t) ? new Date(t - days * 86_400_000).toISOString().slice(0, 10) : undefined;
}
