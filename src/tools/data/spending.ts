import type { Rng } from '../../shared/prng.js';
import { round2 } from '../define.js';
import { DATASET_DAYS, dayIndex, timestamp } from './calendar.js';
import type { CardTransaction, Customer } from './schema.js';

/**
 * Card and wallet payments: 90 days of everyday spending at a handful of usual merchants around the
 * customer's average transaction. Some customers also make occasional large purchases at one merchant
 * (electronics, travel): the history that makes a later large purchase there unremarkable.
 */
type Category = CardTransaction['category'];

// prettier-ignore
export const MERCHANTS: Readonly<Record<Category, readonly string[]>> = {
  grocery: ['FreshMart', 'Green Basket', 'Corner Grocer', 'Daily Harvest'],
  dining: ['Blue Spoon Cafe', 'Noodle House', 'Pizza Forno', 'Taco Stand'],
  fuel: ['Contoso Fuel', 'Roadside Energy'],
  retail: ['Fabrikam Outfitters', 'Northwind Home', 'Litware Books', 'City Pharmacy'],
  electronics: ['Northwind Electronics', 'Tailspin Gadgets', 'Proseware Computers'],
  travel: ['Fabrikam Airlines', 'Margie Travel', 'Alpine Rail'],
  streaming: ['StreamFlix', 'TuneBox'],
  telecom: ['Contoso Mobile Store'],
};

const EVERYDAY: readonly Category[] = ['grocery', 'dining', 'fuel', 'retail', 'streaming', 'telecom'];
const BIG_TICKET: readonly Category[] = ['electronics', 'travel'];

export interface SpendingOptions {
  /** Occasional large purchases (3-8x the average) at one big-ticket merchant. */
  bigPurchases?: boolean;
  /** A purchase returned and refunded. */
  refund?: boolean;
}

export function generateTransactions(c: Customer, rng: Rng, opts: SpendingOptions = {}): CardTransaction[] {
  const usual = [
    ...new Set(Array.from({ length: rng.int(5, 8) }, () => pickMerchant(rng, rng.pick(EVERYDAY)))),
  ];
  const out: CardTransaction[] = [];
  const add = (day: number, merchant: { name: string; category: Category }, amount: number) =>
    out.push({
      id: `TX-${c.id}-${String(out.length + 1).padStart(3, '0')}`,
      customerId: c.id,
      ts: timestamp(day, rng.int(7 * 60, 22 * 60)),
      amountUsd: round2(Math.max(1, amount)),
      merchant: merchant.name,
      merchantCountry: c.homeCountries[0],
      category: merchant.category,
      kind: 'purchase',
    });
  for (let d = 0; d < DATASET_DAYS; d++) {
    if (!rng.chance(0.55)) continue;
    const factor = Math.min(2.5, Math.max(0.1, rng.logNormal(0.45)));
    add(d, rng.pick(usual), c.avgTransactionUsd * factor);
  }
  if (opts.bigPurchases) {
    const shop = pickMerchant(rng, rng.pick(BIG_TICKET));
    const count = rng.int(2, 4);
    for (let k = 0; k < count; k++)
      add(rng.int(k * 22, k * 22 + 18), shop, c.avgTransactionUsd * rng.float(3.2, 8));
  }
  if (opts.refund && out.length > 0) {
    const bought = rng.pick(out.slice(0, -3));
    const day = Math.min(DATASET_DAYS - 1, (dayIndex(bought.ts) ?? 0) + rng.int(5, 15));
    out.push({
      ...bought,
      id: `TX-${c.id}-${String(out.length + 1).padStart(3, '0')}`,
      ts: timestamp(day, rng.int(9 * 60, 18 * 60)),
      kind: 'refund',
    });
  }
  return out.sort((x, y) => x.ts.localeCompare(y.ts));
}

function pickMerchant(rng: Rng, category: Category): { name: string; category: Category } {
  return { name: rng.pick(MERCHANTS[category]), category };
}
