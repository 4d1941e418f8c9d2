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
 */
import { generateDataset } from './generate.js';
import type {
  Customer,
  Dataset,
  Dispute,
  Invoice,
  Order,
  Payment,
  Refund,
  SecurityEvent,
  Subscription,
} from './schema.js';

interface Indexed {
  data: Dataset;
  customers: Map<string, Customer>;
  subscriptions: Map<string, Subscription>;
  byCustomer: <T extends { customerId: string }>(list: T[], id: string) => T[];
  usage: Map<string, number[]>;
}

let cached: Indexed | undefined;

function indexed(): Indexed {
  if (!cached) {
    const data = deepFreeze(generateDataset());
    const groups = new WeakMap<object, Map<string, unknown[]>>();
    cached = {
      data,
      customers: new Map(data.customers.map((c) => [c.id, c])),
      subscriptions: new Map(data.subscriptions.map((s) => [s.id, s])),
      usage: new Map(data.usage.map((u) => [u.subscriptionId, u.dailyMb])),
      byCustomer: <T extends { customerId: string }>(list: T[], id: string): T[] => {
        let g = groups.get(list);
        if (!g) {
          g = new Map();
          for (const item of list) g.set(item.customerId, [...(g.get(item.customerId) ?? []), item]);
          groups.set(list, g);
        }
        return (g.get(id) ?? []) as T[]; // the group holds exactly the items of `list`, which are T
      },
    };
  }
  return cached;
}

/** Shared by every caller, so frozen: a caller that mutates it gets a TypeError, not silently skewed data. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** The whole dataset (shared and frozen). */
export function dataset(): Dataset {
  return indexed().data;
}

/** All customers, C001 first. The simulator reads id, homeCountries, avgTransactionUsd and avgDailyDataGb. */
export function customers(): readonly Customer[] {
  return indexed().data.customers;
}

export function customerById(id: string): Customer | undefined {
  return indexed().customers.get(id.trim().toUpperCase());
}

export function subscriptionById(id: string): Subscription | undefined {
  return indexed().subscriptions.get(id.trim().toUpperCase());
}

export function subscriptionsOf(customerId: string): Subscription[] {
  return indexed().byCustomer(indexed().data.subscriptions, customerId);
}

/** Daily MB of a subscription, index 0 = 2026-01-01. */
export function usageOf(subscriptionId: string): readonly number[] | undefined {
  return indexed().usage.get(subscriptionId);
}

export function securityEventsOf(customerId: string): SecurityEvent[] {
  return indexed().byCustomer(indexed().data.securityEvents, customerId);
}

export function billingOf(customerId: string): {
  invoices: Invoice[];
  payments: Payment[];
  refunds: Refund[];
  disputes: Dispute[];
} {
  const { data, byCustomer } = indexed();
  return {
    invoices: byCustomer(data.invoices, customerId),
    payments: byCustomer(data.payments, customerId),
    refunds: byCustomer(data.refunds, customerId),
    disputes: byCustomer(data.disputes, customerId),
  };
}

export function ordersOf(customerId: string): Order[] {
  return indexed().byCustomer(indexed().data.orders, customerId);
}
