import { dayDate, timestamp } from './calendar.js';
import { deviceId, ev, ipFor, type SecurityProfile } from './activity.js';
import { withExtraLines } from './billing.js';
import { travelNotice } from './context.js';
import type { ProfileOverride } from './profiles.js';
import type { Rng } from '../../shared/prng.js';
import { round2 } from '../define.js';
import type {
  ApiUsageSeries,
  CardTransaction,
  Customer,
  Dispute,
  Invoice,
  Order,
  Payment,
  Refund,
  RegisteredDevice,
  SecurityEvent,
  Subscription,
  TravelNotice,
} from './schema.js';

/**
 * The planted patterns (see planted.ts for the table). Each customer's plant mutates only that
 * customer's bundle and draws from that customer's own stream, so clean customers never change.
 */
export interface CustomerBundle {
  customer: Customer;
  subscriptions: Subscription[];
  usage: Map<string, number[]>;
  profile: SecurityProfile;
  security: SecurityEvent[];
  invoices: Invoice[];
  payments: Payment[];
  refunds: Refund[];
  disputes: Dispute[];
  orders: Order[];
  travelNotices: TravelNotice[];
  devices: RegisteredDevice[];
  transactions: CardTransaction[];
  apiUsage: ApiUsageSeries[];
}

export interface Plant {
  /** Profile values fixed before anything else is drawn. */
  profile?: ProfileOverride;
  /** Runs on the usage series before invoices are computed from them (so overage follows usage). */
  usage?(b: CustomerBundle, rng: Rng): void;
  /** Runs after security events, billing and orders exist. */
  rest?(b: CustomerBundle, rng: Rng): void;
}

function scalePrimary(b: CustomerBundle, days: number[], factor: () => number): void {
  const series = b.usage.get(b.subscriptions[0]?.id ?? '');
  if (!series) throw new Error(`no primary usage for ${b.customer.id}`);
  for (const d of days) series[d] = Math.round((series[d] ?? 0) * factor());
}

function clearEvents(b: CustomerBundle, fromDay: number, toDay: number): void {
  const from = timestamp(fromDay, 0);
  const to = timestamp(toDay + 1, 0);
  b.security = b.security.filter((e) => e.ts < from || e.ts >= to);
}

function push(b: CustomerBundle, ...events: SecurityEvent[]): void {
  b.security.push(...events);
}

function addOrder(b: CustomerBundle, o: Omit<Order, 'id' | 'customerId'>): Order {
  const order: Order = {
    id: `ORD-${b.customer.id}-${String(b.orders.length + 1).padStart(2, '0')}`,
    customerId: b.customer.id,
    ...o,
  };
  b.orders.push(order);
  return order;
}

function latestInvoice(b: CustomerBundle): Invoice {
  const inv = b.invoices[b.invoices.length - 1];
  if (!inv) throw new Error(`no invoice for ${b.customer.id}`);
  return inv;
}

/** Add disputed lines to the latest invoice, open a dispute, and pay only the undisputed part. */
function disputeLatest(
  b: CustomerBundle,
  extra: Invoice['lines'],
  reason: string,
  openedDay: number,
  disputedUsd?: number,
): void {
  const before = latestInvoice(b);
  const inv = { ...withExtraLines(before, extra), status: 'disputed' as const };
  b.invoices[b.invoices.length - 1] = inv;
  const amount = round2(disputedUsd ?? extra.reduce((s, l) => s + l.amountUsd, 0));
  b.disputes.push({
    id: `DSP-${inv.id}`,
    customerId: b.customer.id,
    ref: inv.id,
    opened: dayDate(openedDay),
    amountUsd: amount,
    reason,
    kind: 'customer_dispute',
    status: 'open',
  });
  b.payments = b.payments.map((p) =>
    p.invoiceId === inv.id && p.status === 'succeeded'
      ? { ...p, amountUsd: round2(inv.totalUsd - amount) }
      : p,
  );
}

function quiet(b: CustomerBundle): void {
  b.payments = b.payments.filter((p) => p.status === 'succeeded');
  b.refunds = [];
  b.orders = b.orders.map((o) =>
    o.status === 'returned' ? { ...o, status: 'delivered', paymentStatus: 'paid' } : o,
  );
}

/** Failed logins, a success on a new device, then the attacker removes the second factor. */
function takeover(
  b: CustomerBundle,
  rng: Rng,
  country: string,
  day: number,
  minute: number,
  failures: number,
): string {
  const c = b.customer;
  const device = deviceId(rng);
  const ip = ipFor(country, rng);
  for (let k = 0; k < failures; k++)
    push(b, ev(c, day, minute + k, 'login', country, ip, false, device, 'wrong password'));
  const t = minute + failures + 2;
  push(
    b,
    ev(c, day, t, 'login', country, ip, true, device),
    ev(c, day, t + 3, 'password_change', country, ip, true, device),
    ev(c, day, t + 5, 'mfa_change', country, ip, true, device, 'mfa disabled'),
    ev(c, day, t + 6, 'device_change', country, ip, true, device, 'new device registered'),
  );
  c.mfaEnabled = false;
  c.mfaMethod = 'none';
  return device;
}

/** A home login, then a success from `country` on a new device `gapMin` minutes later, and again the next night. */
function impossibleTravel(
  b: CustomerBundle,
  rng: Rng,
  country: string,
  day: number,
  minute: number,
  gapMin: number,
): void {
  const c = b.customer;
  const device = deviceId(rng);
  const ip = ipFor(country, rng);
  push(
    b,
    ev(c, day, minute, 'login', c.homeCountries[0], b.profile.homeIps[0], true, b.profile.device),
    ev(c, day, minute + gapMin, 'login', country, ip, true, device, 'new device'),
    ev(c, day, minute + gapMin + 2, 'device_change', country, ip, true, device, 'new device registered'),
    ev(c, day + 1, 130, 'login', country, ip, true, device),
  );
}

export const PLANTS: Readonly<Record<string, Plant>> = {
  C001: { rest: quiet },
  C002: { rest: quiet },
  C003: { usage: (b, rng) => scalePrimary(b, [86, 87, 88, 89], () => rng.float(9, 12)) },
  C007: {
    rest: (b, rng) => {
      clearEvents(b, 88, 89);
      impossibleTravel(b, rng, 'RU', 88, 9 * 60 + 12, 39);
    },
  },
  C011: { usage: (b) => scalePrimary(b, [87], () => 12) },
  C013: {
    rest: (b, rng) => {
      clearEvents(b, 87, 89);
      const device = takeover(b, rng, 'NG', 87, 22 * 60 + 1, 4);
      push(b, ev(b.customer, 88, 90, 'login', 'NG', ipFor('NG', rng), true, device));
      for (const minute of [134, 136]) {
        addOrder(b, {
          ts: timestamp(88, minute),
          items: ['Phone X Pro 256GB (financed)'],
          totalUsd: 1199,
          status: 'processing',
          paymentStatus: 'paid',
          shipCountry: 'NG',
          channel: 'web',
        });
      }
    },
  },
  C019: {
    rest: (b, rng) => {
      const c = b.customer;
      clearEvents(b, 87, 89);
      const device = deviceId(rng);
      const ip = ipFor(c.homeCountries[0], rng);
      addOrder(b, {
        ts: timestamp(87, 620),
        items: ['Replacement eSIM'],
        totalUsd: 10,
        status: 'delivered',
        paymentStatus: 'paid',
        shipCountry: c.homeCountries[0],
        channel: 'phone',
      });
      push(
        b,
        ev(
          c,
          87,
          645,
          'device_change',
          c.homeCountries[0],
          ip,
          true,
          device,
          'SIM replaced; new device registered',
        ),
        ev(c, 87, 650, 'mfa_change', c.homeCountries[0], ip, true, device, 'mfa method changed app -> sms'),
        ev(c, 87, 662, 'login', c.homeCountries[0], ip, true, device),
        ev(c, 88, 220, 'login', 'RO', ipFor('RO', rng), true, device),
      );
      c.mfaEnabled = true;
      c.mfaMethod = 'sms';
      addOrder(b, {
        ts: timestamp(88, 245),
        items: ['Phone Z 128GB'],
        totalUsd: 899,
        status: 'processing',
        paymentStatus: 'paid',
        shipCountry: c.homeCountries[0],
        channel: 'web',
      });
    },
  },
  C022: {
    rest: (b) =>
      disputeLatest(
        b,
        [
          { description: 'Premium SMS - StarQuiz (3 msgs)', category: 'third_party', amountUsd: 44.97 },
          { description: 'Content subscription - FunTones', category: 'third_party', amountUsd: 29.99 },
          { description: 'Premium SMS - LuckyDraw (2 msgs)', category: 'third_party', amountUsd: 39.98 },
        ],
        'customer did not authorise third-party premium charges',
        62,
      ),
  },
  C027: {
    rest: (b, rng) => {
      const c = b.customer;
      const inv = latestInvoice(b);
      b.invoices[b.invoices.length - 1] = { ...inv, status: 'unpaid' };
      b.payments = b.payments.filter((p) => p.invoiceId !== inv.id);
      [62, 69, 76].forEach((day, k) =>
        b.payments.push({
          id: `PAY-${inv.id}-F${k + 1}`,
          customerId: c.id,
          invoiceId: inv.id,
          date: dayDate(day),
          amountUsd: inv.totalUsd,
          status: 'failed',
          failureReason: 'card_declined',
        }),
      );
      c.accountStatus = 'past_due';
      for (let k = 0; k < 7; k++) {
        const paid = k === 4;
        addOrder(b, {
          ts: timestamp(88, 190 + 3 * k),
          items: ['Gift card top-up'],
          totalUsd: round2(rng.float(1, 4.99)),
          status: paid ? 'processing' : 'cancelled',
          paymentStatus: paid ? 'paid' : 'declined',
          shipCountry: c.homeCountries[0],
          channel: 'web',
        });
      }
    },
  },
  C031: {
    rest: (b) =>
      disputeLatest(
        b,
        [
          { description: 'Roaming data - TH (11 days)', category: 'roaming', amountUsd: 311.4 },
          { description: 'Roaming calls - TH', category: 'roaming', amountUsd: 64.1 },
        ],
        'customer disputes roaming charges as far higher than expected',
        61,
      ),
  },
  C036: {
    rest: (b, rng) => {
      const c = b.customer;
      [12, 30, 47, 63, 80].forEach((day, k) => {
        const refunded = k < 3;
        const o = addOrder(b, {
          ts: timestamp(day, 15 * 60 + k * 7),
          items: [k % 2 ? 'Earbuds' : 'Smartwatch'],
          totalUsd: round2(c.avgTransactionUsd * rng.float(0.9, 1.3)),
          status: 'delivered',
          paymentStatus: refunded ? 'refunded' : 'paid',
          shipCountry: c.homeCountries[0],
          channel: 'app',
        });
        if (refunded)
          b.refunds.push({
            id: `REF-${o.id}`,
            customerId: c.id,
            ref: o.id,
            date: dayDate(day + 9),
            amountUsd: o.totalUsd,
            reason: 'customer claims item not received (carrier shows delivered)',
          });
        else
          b.disputes.push({
            id: `CB-${o.id}`,
            customerId: c.id,
            ref: o.id,
            opened: dayDate(day + 8),
            amountUsd: o.totalUsd,
            reason: 'cardholder claims purchase unauthorised (delivered to home address)',
            kind: 'chargeback',
            status: k === 3 ? 'resolved_merchant' : 'open',
          });
      });
    },
  },
  C042: {
    usage: (b, rng) => scalePrimary(b, [87, 88, 89], () => rng.float(9, 11)),
    rest: (b, rng) => {
      const c = b.customer;
      clearEvents(b, 86, 89);
      const device = takeover(b, rng, 'VN', 86, 23 * 60 + 40, 3);
      const ip = ipFor('VN', rng);
      push(
        b,
        ev(c, 87, 480, 'login', 'VN', ip, true, device),
        ev(c, 88, 540, 'login', 'VN', ip, true, device),
        ev(c, 89, 450, 'login', 'VN', ip, true, device),
      );
      addOrder(b, {
        ts: timestamp(88, 560),
        items: ['Phone Z Ultra 512GB (financed)'],
        totalUsd: 1399,
        status: 'processing',
        paymentStatus: 'paid',
        shipCountry: 'VN',
        channel: 'web',
      });
      addOrder(b, {
        ts: timestamp(88, 565),
        items: ['Tablet S 11 (financed)'],
        totalUsd: 799,
        status: 'processing',
        paymentStatus: 'paid',
        shipCountry: 'VN',
        channel: 'web',
      });
    },
  },
  C045: {
    usage: (b, rng) => scalePrimary(b, [88, 89], () => rng.float(7.5, 8.5)),
    rest: (b, rng) => {
      clearEvents(b, 88, 89);
      impossibleTravel(b, rng, 'RO', 88, 14 * 60 + 5, 43);
    },
  },
  C048: {
    profile: { homeCountries: ['US', 'CA'] },
    rest: (b, rng) => {
      const c = b.customer;
      b.travelNotices.push(travelNotice(c, 1, ['JP'], 77, 85, 70));
      clearEvents(b, 77, 85);
      const ip = ipFor('JP', rng);
      for (let day = 78; day <= 84; day++)
        push(b, ev(c, day, rng.int(8 * 60, 22 * 60), 'login', 'JP', ip, true, b.profile.device));
    },
  },
  C050: {
    profile: { tier: 'business', avgDailyDataGb: 3.9, avgTransactionUsd: 240, secondaryLine: true },
    rest: quiet,
  },
  C053: {
    profile: { tier: 'standard', avgDailyDataGb: 1.3, secondaryLine: false },
    usage: (b) => scalePrimary(b, [38, 39, 40, 41, 42, 43, 44, 45, 46], () => 5),
    rest: (b) => {
      const overage = latestInvoice(b).lines.find((l) => l.category === 'overage');
      if (!overage) throw new Error('C053 plant expects an overage line on the latest invoice');
      disputeLatest(b, [], 'customer disputes data overage charges', 61, overage.amountUsd);
    },
  },
};
