import { z } from 'zod';
import { defineTool, ratio, round2 } from '../define.js';
import { accountTimeline, asOfMs, type TimelineItem } from '../timeline.js';
import { customerIdArg, daysArg, requireCustomer, viewOf } from './common.js';

export const GetTransactionsInput = z.object({
  customer_id: customerIdArg,
  days: daysArg(90),
  limit: z
    .number()
    .int()
    .min(1)
    .max(60)
    .default(20)
    .describe('How many of the most recent live transactions to list (default 20).'),
});
export type GetTransactionsInput = z.infer<typeof GetTransactionsInput>;

/** Purchases this close together count as one burst (card testing places many in minutes). */
const BURST_MINUTES = 30;
const MERCHANT_LIST = 20;

export const getTransactions = defineTool({
  name: 'get_transactions',
  description:
    'Card and wallet payments of a customer on one timeline: the history (usual merchants with how often and how much ' +
    'the customer spends there, the largest purchases, refunds) and the live transactions received since, each marked ' +
    'by source, with each live one compared with the customer average and the history at that merchant ' +
    '(new merchant, merchant country outside the home countries, refund of an earlier purchase) and the densest 30-minute burst.',
  input: GetTransactionsInput,
  handler: async ({ customer_id, days, limit }, ctx) => {
    const view = viewOf(ctx);
    const c = requireCustomer(customer_id, view);
    const now = asOfMs(ctx, view);
    const items = accountTimeline(c.id, ctx, { types: ['transaction'], sinceMs: now - days * 86_400_000 });
    const history = items.filter((i) => i.source === 'history');
    const live = items.filter((i) => i.source === 'live');
    const purchases = history.filter((i) => i.kind !== 'refund');
    const home = new Set<string>(c.homeCountries);
    const merchants = new Map<
      string,
      { count: number; maxUsd: number; totalUsd: number; countries: Set<string> }
    >();
    for (const p of purchases) {
      const m = merchants.get(p.merchant ?? '') ?? {
        count: 0,
        maxUsd: 0,
        totalUsd: 0,
        countries: new Set<string>(),
      };
      m.count++;
      m.maxUsd = Math.max(m.maxUsd, p.amount ?? 0);
      m.totalUsd += p.amount ?? 0;
      if (p.merchantCountry) m.countries.add(p.merchantCountry);
      merchants.set(p.merchant ?? '', m);
    }
    const usual = [...merchants.entries()]
      .sort((a, b) => b[1].count - a[1].count || b[1].maxUsd - a[1].maxUsd)
      .map(([merchant, m]) => ({
        merchant,
        purchases: m.count,
        avgUsd: round2(m.totalUsd / m.count),
        maxUsd: m.maxUsd,
        countries: [...m.countries],
      }));
    const largest = [...purchases].sort((a, b) => (b.amount ?? 0) - (a.amount ?? 0)).slice(0, 5);
    const historyAvg = purchases.length
      ? purchases.reduce((s, p) => s + (p.amount ?? 0), 0) / purchases.length
      : c.avgTransactionUsd;
    const seen = (merchant: string) => merchants.get(merchant);
    return {
      customerId: c.id,
      homeCountries: c.homeCountries,
      avgTransactionUsd: c.avgTransactionUsd,
      window: { days, until: new Date(now).toISOString() },
      history: {
        purchases: purchases.length,
        avgUsd: round2(historyAvg),
        refunds: history.filter((i) => i.kind === 'refund').length,
        usualMerchants: usual.slice(0, MERCHANT_LIST),
        largestPurchases: largest.map(brief),
      },
      live: {
        transactions: live.length,
        totalUsd: round2(live.reduce((s, i) => s + (i.amount ?? 0), 0)),
        refunds: live.filter((i) => i.kind === 'refund').length,
        under5Usd: live.filter((i) => (i.amount ?? 0) < 5).length,
        distinctMerchants: new Set(live.map((i) => i.merchant)).size,
        maxIn30Min: densest(live),
        items: live
          .slice(-limit)
          .reverse()
          .map((i) => {
            const m = seen(i.merchant ?? '');
            const refunded =
              i.kind === 'refund'
                ? purchases.find(
                    (p) => p.merchant === i.merchant && Math.abs((p.amount ?? 0) - (i.amount ?? 0)) < 0.01,
                  )
                : undefined;
            return {
              ...brief(i),
              vsAverage: ratio(i.amount ?? 0, c.avgTransactionUsd),
              merchantHistory: m ? { purchases: m.count, maxUsd: m.maxUsd } : null,
              foreignMerchant: i.merchantCountry !== undefined && !home.has(i.merchantCountry),
              ...(i.kind === 'refund' ? { refundOf: refunded?.id ?? null } : {}),
            };
          }),
      },
    };
  },
});

function brief(i: TimelineItem) {
  return {
    id: i.id,
    ts: i.at,
    source: i.source,
    amountUsd: i.amount,
    merchant: i.merchant,
    ...(i.merchantCountry ? { merchantCountry: i.merchantCountry } : {}),
    kind: i.kind ?? 'purchase',
    ...(i.category ? { category: i.category } : {}),
    ...(i.device ? { device: i.device } : {}),
  };
}

function densest(items: TimelineItem[]): number {
  const times = items.map((i) => Date.parse(i.at)).sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while ((times[i] ?? 0) - (times[j] ?? 0) > BURST_MINUTES * 60_000) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}
