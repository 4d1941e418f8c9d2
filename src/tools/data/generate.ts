import { generateOrders, generateSecurityEvents, generateUsage, securityProfile } from './activity.js';
import { generateBilling } from './billing.js';
import { generateApiUsage, registeredDevices } from './context.js';
import { applyTraits, applyUsageTraits, drawTraits } from './population.js';
import { generateTransactions } from './spending.js';
import { KNOWLEDGE_BASE } from './knowledgeBase.js';
import { PLANTS, type CustomerBundle } from './plant.js';
import { customerId, generateCustomer, generateSubscriptions } from './profiles.js';
import { substream } from '../../shared/prng.js';
import type { Dataset } from './schema.js';

export const DATASET_SEED = 20260101;
/** The shipped customers C001..C060 (planted patterns, pinned by tests). */
export const CUSTOMER_COUNT = 60;

/**
 * Build the whole Contoso dataset from a seed. Pure: the same seed gives a deep-equal dataset,
 * whatever the clock says. Each customer draws from its own stream (and each stage from its own
 * sub-stream), so planting a pattern on one customer never shifts another customer's data.
 * `count` above 60 adds population customers with random traits (population.ts); the first sixty
 * never change with it.
 */
export function generateDataset(seed: number = DATASET_SEED, count: number = CUSTOMER_COUNT): Dataset {
  const ds: Dataset = {
    customers: [],
    subscriptions: [],
    usage: [],
    securityEvents: [],
    invoices: [],
    payments: [],
    refunds: [],
    disputes: [],
    orders: [],
    travelNotices: [],
    devices: [],
    transactions: [],
    apiUsage: [],
    knowledgeBase: KNOWLEDGE_BASE.map((a) => ({ ...a, tags: [...a.tags] })),
  };
  for (let n = 1; n <= count; n++) {
    const b = generateBundle(seed, n);
    ds.customers.push(b.customer);
    ds.subscriptions.push(...b.subscriptions);
    for (const [subscriptionId, dailyMb] of b.usage) ds.usage.push({ subscriptionId, dailyMb });
    ds.securityEvents.push(...b.security.sort((x, y) => (x.ts < y.ts ? -1 : x.ts > y.ts ? 1 : 0)));
    ds.invoices.push(...b.invoices);
    ds.payments.push(...b.payments.sort((x, y) => x.date.localeCompare(y.date)));
    ds.refunds.push(...b.refunds);
    ds.disputes.push(...b.disputes);
    ds.orders.push(...b.orders.sort((x, y) => x.ts.localeCompare(y.ts)));
    ds.travelNotices.push(...b.travelNotices);
    ds.devices.push(...b.devices);
    ds.transactions.push(...b.transactions);
    ds.apiUsage.push(...b.apiUsage);
  }
  return ds;
}

function generateBundle(seed: number, n: number): CustomerBundle {
  const id = customerId(n);
  const plant = PLANTS[id] ?? {};
  const stream = (stage: string) => substream(seed, `${id}:${stage}`);
  const customer = generateCustomer(n, stream('profile'), plant.profile);
  const subscriptions = generateSubscriptions(customer, stream('subscriptions'), plant.profile);
  const usageRng = stream('usage');
  const usage = new Map(subscriptions.map((s) => [s.id, generateUsage(customer, s, usageRng)] as const));
  const profile = securityProfile(customer, stream('security-profile'));
  const b: CustomerBundle = {
    customer,
    subscriptions,
    usage,
    profile,
    security: [],
    invoices: [],
    payments: [],
    refunds: [],
    disputes: [],
    orders: [],
    travelNotices: [],
    devices: [],
    transactions: [],
    apiUsage: [],
  };
  const traits = n > CUSTOMER_COUNT ? drawTraits(stream('traits')) : undefined;
  plant.usage?.(b, stream('plant-usage'));
  if (traits) applyUsageTraits(b, traits, stream('trait-usage'));
  Object.assign(b, generateBilling(customer, subscriptions, usage, stream('billing')));
  b.security = generateSecurityEvents(customer, profile, stream('security'));
  Object.assign(b, generateOrders(customer, stream('orders')));
  b.devices = registeredDevices(customer, profile, b.security);
  const habits = stream('habits');
  b.transactions = generateTransactions(customer, stream('transactions'), {
    bigPurchases: traits?.bigPurchases ?? habits.chance(0.2),
    refund: traits?.refund ?? habits.chance(0.05),
  });
  b.apiUsage = generateApiUsage(customer, stream('api'), {
    polling: traits?.polling ?? habits.chance(0.15),
    exportedOnce: traits?.exportedOnce ?? habits.chance(0.05),
  });
  plant.rest?.(b, stream('plant'));
  if (traits) applyTraits(b, traits, stream('trait'));
  return b;
}
