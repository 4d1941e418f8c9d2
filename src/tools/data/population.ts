import type { Rng } from '../../shared/prng.js';
import { round2 } from '../define.js';
import { deviceId, ev, ipFor } from './activity.js';
import { DATASET_DAYS, dayDate, timestamp } from './calendar.js';
import { awayCountries, travelNotice } from './context.js';
import type { CustomerBundle } from './plant.js';

/**
 * Customers past the shipped sixty (DATASET_CUSTOMERS, for the evaluation corpus and load tests): the same
 * everyday generator, plus traits drawn at random per customer — the habits that make an alert benign
 * (a trip with a notice, a new phone, big purchases at one shop, a polling app, tethering) and the noise
 * of a lived-in account (old disputes, a past failed-login burst, an unexplained foreign login). Which
 * traits a customer has is data, read through the same tools as everything else; nothing marks a
 * customer as a fraud victim.
 */
export interface Traits {
  dirty: boolean;
  travelling: boolean;
  bigPurchases: boolean;
  polling: boolean;
  tethering: boolean;
  hotspotPass: boolean;
  newPhone: boolean;
  frequentForeign: boolean;
  dormant: boolean;
  exportedOnce: boolean;
  refund: boolean;
}

export function drawTraits(rng: Rng): Traits {
  return {
    dirty: rng.chance(0.4),
    travelling: rng.chance(0.2),
    bigPurchases: rng.chance(0.25),
    polling: rng.chance(0.25),
    tethering: rng.chance(0.2),
    hotspotPass: rng.chance(0.12),
    newPhone: rng.chance(0.15),
    frequentForeign: rng.chance(0.12),
    dormant: rng.chance(0.08),
    exportedOnce: rng.chance(0.05),
    refund: rng.chance(0.1),
  };
}

/** Applies the usage-side traits before invoices are computed from usage. */
export function applyUsageTraits(b: CustomerBundle, t: Traits, rng: Rng): void {
  const series = b.usage.get(b.subscriptions[0]?.id ?? '');
  if (!series) return;
  if (t.tethering) {
    const days = new Set(Array.from({ length: rng.int(3, 6) }, () => rng.int(5, DATASET_DAYS - 4)));
    for (const d of days) series[d] = Math.round((series[d] ?? 0) * rng.float(4.5, 9));
  }
  if (t.dirty && rng.chance(0.4)) {
    const d = rng.int(15, 70);
    series[d] = Math.round((series[d] ?? 0) * rng.float(6, 10));
  }
}

/** Applies the remaining traits once security events, billing and orders exist. */
export function applyTraits(b: CustomerBundle, t: Traits, rng: Rng): void {
  const c = b.customer;
  const home = c.homeCountries[0];
  if (t.travelling) {
    const away = awayCountries(c);
    const countries = rng.chance(0.3) ? [rng.pick(away), rng.pick(away)] : [rng.pick(away)];
    const from = rng.int(DATASET_DAYS - 4, DATASET_DAYS - 1);
    b.travelNotices.push(
      travelNotice(
        c,
        b.travelNotices.length + 1,
        [...new Set(countries)],
        from,
        from + rng.int(5, 14),
        from - rng.int(3, 20),
      ),
    );
  }
  if (t.newPhone) {
    const day = rng.int(DATASET_DAYS - 5, DATASET_DAYS - 1);
    const device = deviceId(rng);
    const ip = b.profile.homeIps[0];
    b.orders.push({
      id: `ORD-${c.id}-${String(b.orders.length + 1).padStart(2, '0')}`,
      customerId: c.id,
      ts: timestamp(day - 1, rng.int(10 * 60, 18 * 60)),
      items: [rng.pick(['Phone X 128GB (upgrade)', 'Phone Z 256GB (upgrade)', 'Phone S Lite (upgrade)'])],
      totalUsd: round2(rng.float(350, 1100)),
      status: 'delivered',
      paymentStatus: 'paid',
      shipCountry: home,
      channel: 'store',
    });
    b.security.push(ev(c, day, 12 * 60, 'device_change', home, ip, true, device, 'new device registered'));
    b.devices.push({
      deviceId: device,
      customerId: c.id,
      label: 'New phone (upgrade)',
      registered: dayDate(day),
      channel: 'store',
    });
  }
  if (t.hotspotPass) {
    const day = rng.int(DATASET_DAYS - 4, DATASET_DAYS - 1);
    b.orders.push({
      id: `ORD-${c.id}-${String(b.orders.length + 1).padStart(2, '0')}`,
      customerId: c.id,
      ts: timestamp(day, rng.int(8 * 60, 20 * 60)),
      items: ['Hotspot pass (7 days)'],
      totalUsd: round2(rng.float(9, 15)),
      status: 'delivered',
      paymentStatus: 'paid',
      shipCountry: home,
      channel: 'app',
    });
  }
  if (t.frequentForeign) {
    const country = rng.pick(awayCountries(c));
    const ip = ipFor(country, rng);
    for (let k = rng.int(10, 25); k > 0; k--)
      b.security.push(
        ev(
          c,
          rng.int(0, DATASET_DAYS - 2),
          rng.int(7 * 60, 21 * 60),
          'login',
          country,
          ip,
          true,
          b.profile.device,
        ),
      );
  }
  if (t.dormant) {
    const lastDay = rng.int(10, 30);
    const cutoff = timestamp(lastDay + 1, 0);
    b.security = b.security.filter((e) => e.ts < cutoff);
    b.transactions = b.transactions.filter((x) => x.ts < cutoff);
    for (const series of b.usage.values())
      for (let d = lastDay + 1; d < DATASET_DAYS; d++) series[d] = Math.round((series[d] ?? 0) * 0.03);
  }
  if (t.dirty) for (const noise of pickNoise(rng)) NOISE[noise](b, rng);
}

type Noise = 'dispute' | 'chargeback' | 'failedPayment' | 'failedLogins' | 'foreignLogin' | 'refunds';
const NOISES: readonly Noise[] = [
  'dispute',
  'chargeback',
  'failedPayment',
  'failedLogins',
  'foreignLogin',
  'refunds',
];

function pickNoise(rng: Rng): Noise[] {
  return [...new Set(Array.from({ length: rng.int(1, 3) }, () => rng.pick(NOISES)))];
}

/** The marks an ordinary, lived-in account collects: each one old, small, and resolved or unexplained. */
const NOISE: Record<Noise, (b: CustomerBundle, rng: Rng) => void> = {
  dispute: (b, rng) => {
    const inv = b.invoices[rng.int(0, Math.max(0, b.invoices.length - 2))];
    if (!inv) return;
    b.disputes.push({
      id: `DSP-${inv.id}`,
      customerId: b.customer.id,
      ref: inv.id,
      opened: dayDate(Math.min(DATASET_DAYS - 1, rng.int(5, 40))),
      amountUsd: round2(rng.float(15, 80)),
      reason: 'customer questioned a charge',
      kind: 'customer_dispute',
      status: rng.chance(0.5) ? 'resolved_customer' : 'resolved_merchant',
    });
  },
  chargeback: (b, rng) => {
    const order = b.orders[0];
    if (!order) return;
    b.disputes.push({
      id: `CB-${order.id}`,
      customerId: b.customer.id,
      ref: order.id,
      opened: dayDate(rng.int(10, 60)),
      amountUsd: order.totalUsd,
      reason: 'cardholder disputed the purchase',
      kind: 'chargeback',
      status: 'resolved_merchant',
    });
  },
  failedPayment: (b, rng) => {
    const pay = b.payments.find((p) => p.status === 'succeeded');
    if (!pay) return;
    b.payments.push({
      ...pay,
      id: `${pay.id}-F`,
      status: 'failed',
      failureReason: 'insufficient_funds',
      date: dayDate(rng.int(1, 60)),
    });
  },
  failedLogins: (b, rng) => {
    const c = b.customer;
    const day = rng.int(20, 75);
    const minute = rng.int(8 * 60, 20 * 60);
    const ip = b.profile.homeIps[0];
    for (let k = rng.int(4, 6); k > 0; k--)
      b.security.push(
        ev(c, day, minute - k, 'login', c.homeCountries[0], ip, false, b.profile.device, 'wrong password'),
      );
    b.security.push(ev(c, day, minute + 1, 'login', c.homeCountries[0], ip, true, b.profile.device));
  },
  foreignLogin: (b, rng) => {
    const c = b.customer;
    const country = rng.pick(awayCountries(c));
    b.security.push(
      ev(c, rng.int(10, 70), rng.int(0, 23 * 60), 'login', country, ipFor(country, rng), true, deviceId(rng)),
    );
  },
  refunds: (b, rng) => {
    for (const order of b.orders.slice(0, 2))
      b.refunds.push({
        id: `REF-${order.id}`,
        customerId: b.customer.id,
        ref: order.id,
        date: dayDate(rng.int(20, 80)),
        amountUsd: order.totalUsd,
        reason: 'item returned',
      });
  },
};
