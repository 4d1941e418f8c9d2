import type { TelemetryEvent } from '../detection/schema.js';
import { datasetAt, type DatasetView } from './data/dataset.js';
import type { SecurityEvent } from './data/schema.js';
import type { LiveSource, ToolContext } from './types.js';

/**
 * One timeline per customer: the shipped history (security events, card payments, orders, daily data
 * and API use) and the live events from the account's live record, each item marked by its source. The
 * account tools, the MCP tools and GET /api/customers/{id}/activity all read it from here, so they
 * cannot disagree. Times are ISO UTC; the history is anchored so it ends the day before the as-of.
 */
export type TimelineSource = 'history' | 'live';
export type TimelineType =
  'login' | 'auth_failure' | 'account_change' | 'transaction' | 'order' | 'data_usage' | 'api_call';
export const TIMELINE_TYPES: readonly TimelineType[] = [
  'login',
  'auth_failure',
  'account_change',
  'transaction',
  'order',
  'data_usage',
  'api_call',
];

export interface TimelineItem {
  id: string;
  at: string;
  source: TimelineSource;
  type: TimelineType;
  country?: string;
  ip?: string;
  device?: string;
  success?: boolean;
  change?: string;
  channel?: string;
  detail?: string;
  amount?: number;
  merchant?: string;
  merchantCountry?: string;
  kind?: 'purchase' | 'refund';
  category?: string;
  items?: string[];
  shipCountry?: string;
  status?: string;
  paymentStatus?: string;
  mb?: number;
  subscriptionId?: string;
  /** History rows of data and API use are daily totals; live ones are single reports or calls. */
  period?: 'day' | 'event';
  endpoint?: string;
  calls?: number;
  peakPerMinute?: number;
}

/** The instant the tools treat as now: the as-of, else the end of the fixed calendar's last day. */
export function asOfMs(ctx: ToolContext, view: DatasetView = datasetAt(ctx.asOf)): number {
  const ms = ctx.asOf === undefined ? Number.NaN : Date.parse(ctx.asOf);
  return Number.isFinite(ms) ? ms : Date.parse(`${view.end}T23:59:59.999Z`);
}

/** The live events of this customer (none when the context holds another customer's record). */
export function liveOf(ctx: ToolContext, customerId: string): LiveSource | undefined {
  return ctx.live && ctx.live.customerId.toUpperCase() === customerId.toUpperCase() ? ctx.live : undefined;
}

/** A history security event as a timeline item (account changes get their structured kind). */
export function securityItem(e: SecurityEvent, id: string): TimelineItem {
  const common = {
    id,
    at: iso(e.ts),
    source: 'history' as const,
    country: e.country,
    ip: e.ip,
    device: e.device,
  };
  const detail = e.detail ? { detail: e.detail } : {};
  if (e.type === 'login') return { ...common, type: 'login', success: e.success, ...detail };
  return { ...common, type: 'account_change', change: changeOf(e), ...detail };
}

/** The structured kind of a history account change (its detail text only picks among known kinds). */
export function changeOf(e: SecurityEvent): string {
  if (e.type === 'password_change') return 'password_change';
  if (e.type === 'device_change') return /sim/i.test(e.detail ?? '') ? 'sim_change' : 'device_registered';
  if (/disabl/i.test(e.detail ?? '')) return 'mfa_disabled';
  if (/sms/i.test(e.detail ?? '')) return 'mfa_downgraded';
  return 'mfa_enabled';
}

/** A live telemetry event as a timeline item. */
export function liveItem(id: string, e: TelemetryEvent): TimelineItem {
  const base = { id, at: iso(e.timestamp), source: 'live' as const };
  switch (e.type) {
    case 'login':
      return {
        ...base,
        type: 'login',
        success: e.success,
        country: e.country,
        ip: e.ip,
        ...(e.device ? { device: e.device } : {}),
      };
    case 'auth_failure':
      return { ...base, type: 'auth_failure', success: false, ...pick(e, ['country', 'ip', 'device']) };
    case 'account_change':
      return {
        ...base,
        type: 'account_change',
        change: e.change,
        ...pick(e, ['channel', 'country', 'ip', 'device']),
      };
    case 'transaction':
      return {
        ...base,
        type: 'transaction',
        amount: e.amount,
        merchant: e.merchant,
        kind: e.kind ?? 'purchase',
        ...pick(e, ['merchantCountry', 'device']),
      };
    case 'data_usage':
      return { ...base, type: 'data_usage', mb: e.mb, period: 'event', ...pick(e, ['device', 'country']) };
    case 'api_call':
      return {
        ...base,
        type: 'api_call',
        endpoint: e.endpoint,
        calls: 1,
        period: 'event',
        ...pick(e, ['ip', 'device']),
      };
  }
}

/** Every history item of a customer, ascending by time. */
export function historyItems(view: DatasetView, customerId: string): TimelineItem[] {
  const out: TimelineItem[] = [];
  view
    .securityEventsOf(customerId)
    .forEach((e, i) => out.push(securityItem(e, `H-SEC-${customerId}-${i + 1}`)));
  for (const t of view.transactionsOf(customerId))
    out.push({
      id: t.id,
      at: iso(t.ts),
      source: 'history',
      type: 'transaction',
      amount: t.amountUsd,
      merchant: t.merchant,
      merchantCountry: t.merchantCountry,
      kind: t.kind,
      category: t.category,
    });
  for (const o of view.ordersOf(customerId))
    out.push({
      id: o.id,
      at: iso(o.ts),
      source: 'history',
      type: 'order',
      amount: o.totalUsd,
      items: o.items,
      shipCountry: o.shipCountry,
      status: o.status,
      paymentStatus: o.paymentStatus,
      channel: o.channel,
    });
  for (const s of view.subscriptionsOf(customerId))
    (view.usageOf(s.id) ?? []).forEach((mb, d) =>
      out.push({
        id: `H-USE-${s.id}-${d}`,
        at: `${view.dayDate(d)}T00:00:00.000Z`,
        source: 'history',
        type: 'data_usage',
        mb,
        subscriptionId: s.id,
        period: 'day',
      }),
    );
  for (const a of view.apiUsageOf(customerId))
    a.dailyCalls.forEach((calls, d) => {
      if (calls > 0)
        out.push({
          id: `H-API-${customerId}-${a.endpoint}-${d}`,
          at: `${view.dayDate(d)}T00:00:00.000Z`,
          source: 'history',
          type: 'api_call',
          endpoint: a.endpoint,
          calls,
          peakPerMinute: a.dailyPeakPerMinute[d] ?? 0,
          period: 'day',
        });
    });
  return out.sort(byTime);
}

export interface TimelineQuery {
  sinceMs?: number;
  beforeMs?: number;
  types?: readonly TimelineType[];
  sources?: readonly TimelineSource[];
}

/** The merged timeline up to the as-of, ascending by time (history first on equal times). */
export function accountTimeline(customerId: string, ctx: ToolContext, q: TimelineQuery = {}): TimelineItem[] {
  const view = datasetAt(ctx.asOf);
  const now = asOfMs(ctx, view);
  const want = (i: TimelineItem, t: number) =>
    t <= now &&
    (q.sinceMs === undefined || t >= q.sinceMs) &&
    (q.beforeMs === undefined || t < q.beforeMs) &&
    (q.types === undefined || q.types.includes(i.type)) &&
    (q.sources === undefined || q.sources.includes(i.source));
  const history = q.sources && !q.sources.includes('history') ? [] : historyItems(view, customerId);
  const live = (liveOf(ctx, customerId)?.events ?? []).map((e) => ({
    item: liveItem(e.id, e.event),
    t: e.t,
  }));
  return [
    ...history.flatMap((item) => (want(item, Date.parse(item.at)) ? [item] : [])),
    ...live.flatMap(({ item, t }) => (want(item, t) ? [item] : [])),
  ].sort(byTime);
}

function byTime(a: TimelineItem, b: TimelineItem): number {
  return a.at < b.at ? -1 : a.at > b.at ? 1 : a.source === b.source ? 0 : a.source === 'history' ? -1 : 1;
}

function iso(ts: string): string {
  return new Date(Date.parse(ts)).toISOString();
}

function pick<T extends object, K extends keyof T>(o: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
