import { z } from 'zod';
import { DATASET_DAYS } from '../data/calendar.js';
import type { Order } from '../data/schema.js';
import { defineTool, ratio, round2 } from '../define.js';
import { customerIdArg, requireCustomer, viewOf } from './common.js';

export const GetCustomerOrdersInput = z.object({
  customer_id: customerIdArg,
  limit: z
    .number()
    .int()
    .min(1)
    .max(50)
    .default(10)
    .describe('How many of the most recent orders to list (default 10).'),
});
export type GetCustomerOrdersInput = z.infer<typeof GetCustomerOrdersInput>;

/** Orders this close together count as one burst (card testing places many in minutes). */
const BURST_MINUTES = 30;

export const getCustomerOrders = defineTool({
  name: 'get_customer_orders',
  description:
    'Orders of a customer (devices, accessories, SIMs, top-ups): summary against the customer average transaction ' +
    '(largest order ratio, declined/refunded counts, orders shipped outside the home countries, the densest 30-minute burst, ' +
    'orders in the last 7 days) and the most recent orders.',
  input: GetCustomerOrdersInput,
  handler: async ({ customer_id, limit }, ctx) => {
    const view = viewOf(ctx);
    const c = requireCustomer(customer_id, view);
    const orders = view.ordersOf(c.id);
    const home = new Set<string>(c.homeCountries);
    const paid = orders.filter((o) => o.paymentStatus !== 'declined');
    const largest = orders.reduce<Order | undefined>(
      (m, o) => (!m || o.totalUsd > m.totalUsd ? o : m),
      undefined,
    );
    return {
      customerId: c.id,
      avgTransactionUsd: c.avgTransactionUsd,
      summary: {
        orders: orders.length,
        paidTotalUsd: round2(paid.reduce((s, o) => s + o.totalUsd, 0)),
        largestOrderUsd: largest?.totalUsd ?? 0,
        largestVsAvgTransactionRatio: largest ? ratio(largest.totalUsd, c.avgTransactionUsd) : null,
        declined: orders.filter((o) => o.paymentStatus === 'declined').length,
        refunded: orders.filter((o) => o.paymentStatus === 'refunded').length,
        shippedOutsideHome: orders.filter((o) => !home.has(o.shipCountry)).length,
        maxOrdersIn30Min: densestBurst(orders),
        last7Days: orders.filter((o) => (view.dayIndex(o.ts) ?? 0) >= DATASET_DAYS - 7).length,
      },
      orders: orders
        .slice(-limit)
        .reverse()
        .map((o) => ({
          orderId: o.id,
          ts: o.ts,
          items: o.items,
          totalUsd: o.totalUsd,
          status: o.status,
          paymentStatus: o.paymentStatus,
          shipCountry: o.shipCountry,
          channel: o.channel,
        })),
    };
  },
});

function densestBurst(orders: Order[]): number {
  const times = orders.map((o) => Date.parse(o.ts));
  let best = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while ((times[i] ?? 0) - (times[j] ?? 0) > BURST_MINUTES * 60_000) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}
