/**
 * The Contoso dataset: 60 customers (C001…C060), generated at first use from a fixed seed
 * (mulberry32, DATASET_SEED) — no clock, no files, identical on every machine. 90 days of data,
 * 2026-01-01 … 2026-03-31 (the "as of" date). Tools always take explicit windows.
 *
 * Planted patterns (ground truth in planted.ts as `plantedPatterns`; evaluation only — agents and
 * tests of behaviour must rely on the data the tools return):
 *
 *   id    usage   location billing  pattern
 *   C001  -       -        -        clean control
 *   C002  -       -        -        clean control
 *   C003  strong  -        -        data exfiltration: ~9-12x usage on the last 4 days
 *   C007  -       strong   -        impossible travel: home login, RU login 39 min later, new device
 *   C011  weak    -        -        single usage spike (~12x one day), plausibly benign
 *   C013  -       strong   strong   account takeover (NG): failed logins, MFA disabled, 2 phones shipped to NG
 *   C019  -       strong   weak     SIM swap: eSIM order, device change, MFA app->sms, RO login, $899 phone
 *   C022  -       -        strong   cramming: third-party premium charges, disputed
 *   C027  -       -        strong   card testing (7 tiny orders, 6 declined) + 3 failed payments, past due
 *   C031  -       -        weak     bill shock: roaming charges, disputed
 *   C036  -       -        strong   friendly fraud: 3 refunds + 2 chargebacks on delivered orders
 *   C042  strong  strong   strong   full takeover (VN) + ~10x usage + 2 financed devices shipped to VN
 *   C045  strong  strong   -        impossible travel (RO, 43 min) + ~8x usage on the last 2 days
 *   C048  -       weak     -        false-positive trap: a week of legitimate travel in JP
 *   C050  -       -        -        false-positive trap: stable heavy business user
 *   C053  weak    -        weak     past usage spike billed as overage, disputed
 *
 * Every other customer is clean: home-country logins, usage within ±20% noise around its profile,
 * paid invoices (the odd failed-then-retried payment or returned order is normal noise).
 *
 * Every customer also has the context that can make an alert benign: registered devices, card payments
 * at usual merchants (some with occasional large purchases), daily API use per endpoint (some with a
 * polling app), and travel notices where a trip was announced (C048's week in JP).
 *
 * Anchoring: the data is generated on the fixed calendar above, and read through `datasetAt(asOf)`,
 * which shifts every date by whole days so that the last day is the day before `asOf`: "the last 90 days"
 * means the 90 days before now, and the history meets the live events without a gap. Without an as-of
 * (tests of the fixed calendar, rules' baselines) the calendar is the fixed one.
 *
 * Size: DATASET_CUSTOMERS (default 60) adds population customers C061.. with random traits
 * (population.ts), for the evaluation corpus; the shipped sixty never change with it.
 */
import { config } from '../../config.js';
import { dayIndex as canonicalDayIndex, DATASET_DAYS, DATASET_START } from './calendar.js';
import { CUSTOMER_COUNT, DATASET_SEED, generateDataset } from './generate.js';
import type {
  ApiUsageSeries,
  CardTransaction,
  Customer,
  Dataset,
  Dispute,
  Invoice,
  Order,
  Payment,
  RegisteredDevice,
  Refund,
  SecurityEvent,
  Subscription,
  TravelNotice,
} from './schema.js';

const DAY_MS = 86_400_000;
const START_MS = Date.parse(`${DATASET_START}T00:00:00Z`);

/** One anchored reading of the dataset: the data with every date shifted by `offsetDays`. */
export interface DatasetView {
  data: Dataset;
  offsetDays: number;
  /** First and last day of the data, YYYY-MM-DD (the last is the day before the as-of). */
  start: string;
  end: string;
  /** YYYY-MM-DD of day `index` (0 = start). */
  dayDate(index: number): string;
  /** Day index of a date or timestamp, or null. */
  dayIndex(dateOrTimestamp: string): number | null;
  customer(id: string): Customer | undefined;
  subscription(id: string): Subscription | undefined;
  subscriptionsOf(customerId: string): Subscription[];
  /** Daily MB of a subscription, index 0 = `start`. */
  usageOf(subscriptionId: string): readonly number[] | undefined;
  securityEventsOf(customerId: string): SecurityEvent[];
  billingOf(customerId: string): {
    invoices: Invoice[];
    payments: Payment[];
    refunds: Refund[];
    disputes: Dispute[];
  };
  ordersOf(customerId: string): Order[];
  travelNoticesOf(customerId: string): TravelNotice[];
  devicesOf(customerId: string): RegisteredDevice[];
  transactionsOf(customerId: string): CardTransaction[];
  apiUsageOf(customerId: string): ApiUsageSeries[];
}

/** Days to add to the fixed calendar so that its last day is the UTC day before `asOfMs`. */
export function anchorOffsetDays(asOfMs: number): number {
  const lastDay = Math.floor(START_MS / DAY_MS) + DATASET_DAYS - 1;
  return Math.floor(asOfMs / DAY_MS) - 1 - lastDay;
}

/** The population size the app runs with (DATASET_CUSTOMERS, default 60). */
function customerCount(): number {
  return config().DATASET_CUSTOMERS;
}

const canonical = new Map<number, Dataset>();
const views = new Map<string, DatasetView>();
const MAX_VIEWS = 4;

function canonicalData(count: number): Dataset {
  let d = canonical.get(count);
  if (!d) {
    d = deepFreeze(generateDataset(DATASET_SEED, count));
    canonical.set(count, d);
  }
  return d;
}

/**
 * The dataset as of an instant (ISO text or epoch ms): every date shifted so the data ends the day
 * before. No as-of: the fixed calendar. Views are cached (a few anchors; a running app sees one a day).
 */
export function datasetAt(asOf?: string | number): DatasetView {
  const ms = asOf === undefined ? undefined : typeof asOf === 'number' ? asOf : Date.parse(asOf);
  const offset = ms === undefined || !Number.isFinite(ms) ? 0 : anchorOffsetDays(ms);
  const count = customerCount();
  const key = `${count}:${offset}`;
  let v = views.get(key);
  if (!v) {
    const base = canonicalData(count);
    v = buildView(offset === 0 ? base : deepFreeze(shiftDataset(base, offset)), offset);
    if (views.size >= MAX_VIEWS) views.delete(views.keys().next().value!);
    views.set(key, v);
  }
  return v;
}

function buildView(data: Dataset, offsetDays: number): DatasetView {
  const groups = new Map<unknown[], Map<string, unknown[]>>();
  const byCustomer = <T extends { customerId: string }>(list: T[], id: string): T[] => {
    let g = groups.get(list);
    if (!g) {
      g = new Map();
      for (const item of list) {
        const bucket = g.get(item.customerId);
        if (bucket) bucket.push(item);
        else g.set(item.customerId, [item]);
      }
      groups.set(list, g);
    }
    return (g.get(id) ?? []) as T[]; // the group holds exactly the items of `list`, which are T
  };
  const customers = new Map(data.customers.map((c) => [c.id, c]));
  const subscriptions = new Map(data.subscriptions.map((s) => [s.id, s]));
  const usage = new Map(data.usage.map((u) => [u.subscriptionId, u.dailyMb]));
  const dayDate = (i: number) => new Date(START_MS + (i + offsetDays) * DAY_MS).toISOString().slice(0, 10);
  return {
    data,
    offsetDays,
    start: dayDate(0),
    end: dayDate(DATASET_DAYS - 1),
    dayDate,
    dayIndex: (s) => {
      const i = canonicalDayIndex(s);
      return i === null ? null : i - offsetDays;
    },
    customer: (id) => customers.get(id.trim().toUpperCase()),
    subscription: (id) => subscriptions.get(id.trim().toUpperCase()),
    subscriptionsOf: (id) => byCustomer(data.subscriptions, id),
    usageOf: (id) => usage.get(id),
    securityEventsOf: (id) => byCustomer(data.securityEvents, id),
    billingOf: (id) => ({
      invoices: byCustomer(data.invoices, id),
      payments: byCustomer(data.payments, id),
      refunds: byCustomer(data.refunds, id),
      disputes: byCustomer(data.disputes, id),
    }),
    ordersOf: (id) => byCustomer(data.orders, id),
    travelNoticesOf: (id) => byCustomer(data.travelNotices, id),
    devicesOf: (id) => byCustomer(data.devices, id),
    transactionsOf: (id) => byCustomer(data.transactions, id),
    apiUsageOf: (id) => byCustomer(data.apiUsage, id),
  };
}

/** Every date and timestamp moved by `days` whole days (times of day unchanged; ids unchanged). */
function shiftDataset(d: Dataset, days: number): Dataset {
  const ms = days * DAY_MS;
  const date = (s: string) => new Date(Date.parse(`${s}T00:00:00Z`) + ms).toISOString().slice(0, 10);
  const ts = (s: string) => new Date(Date.parse(s) + ms).toISOString().replace('.000Z', 'Z');
  return {
    ...d,
    customers: d.customers.map((c) => ({ ...c, signupDate: date(c.signupDate) })),
    subscriptions: d.subscriptions.map((s) => ({ ...s, startDate: date(s.startDate) })),
    securityEvents: d.securityEvents.map((e) => ({ ...e, ts: ts(e.ts) })),
    invoices: d.invoices.map((i) => {
      const issued = date(i.issued);
      // The billing month is the month the invoice closes: the day before it was issued.
      const period = new Date(Date.parse(`${issued}T00:00:00Z`) - DAY_MS).toISOString().slice(0, 7);
      return { ...i, issued, period };
    }),
    payments: d.payments.map((p) => ({ ...p, date: date(p.date) })),
    refunds: d.refunds.map((r) => ({ ...r, date: date(r.date) })),
    disputes: d.disputes.map((x) => ({ ...x, opened: date(x.opened) })),
    orders: d.orders.map((o) => ({ ...o, ts: ts(o.ts) })),
    travelNotices: d.travelNotices.map((n) => ({
      ...n,
      from: date(n.from),
      to: date(n.to),
      filed: date(n.filed),
    })),
    devices: d.devices.map((x) => ({ ...x, registered: date(x.registered) })),
    transactions: d.transactions.map((t) => ({ ...t, ts: ts(t.ts) })),
  };
}

/** Shared by every caller, so frozen: a caller that mutates it gets a TypeError, not silently skewed data. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

// ── The fixed calendar (no as-of): what the rules' baselines, the simulator and the pinned tests read ──

/** The whole dataset on its fixed calendar (shared and frozen). */
export function dataset(): Dataset {
  return datasetAt().data;
}

/** All customers, C001 first. The simulator reads id, homeCountries, avgTransactionUsd and avgDailyDataGb. */
export function customers(): readonly Customer[] {
  return datasetAt().data.customers;
}

export function customerById(id: string): Customer | undefined {
  return datasetAt().customer(id);
}

/** The shipped customers' count (the population beyond them is DATASET_CUSTOMERS). */
export const SHIPPED_CUSTOMERS = CUSTOMER_COUNT;
