import { DATASET_DAYS, dayDate, timestamp } from './calendar.js';
import type { Rng } from '../../shared/prng.js';
import { round2 } from '../define.js';
import type { Customer, Order, Refund, SecurityEvent, Subscription } from './schema.js';

/** 2026-01-01 is a Thursday; days 2 and 3 of each week (Sat, Sun) are the weekend. */
function isWeekend(day: number): boolean {
  const dow = (day + 4) % 7; // 0 = Sunday
  return dow === 0 || dow === 6;
}

export function generateUsage(c: Customer, sub: Subscription, rng: Rng): number[] {
  const baseMb = sub.line === 'primary' ? c.avgDailyDataGb * 1024 : rng.float(100, 500);
  const series: number[] = [];
  for (let d = 0; d < DATASET_DAYS; d++) {
    const weekly = isWeekend(d) ? 1.12 : 0.95;
    series.push(Math.round(baseMb * weekly * (1 + rng.float(-0.2, 0.2))));
  }
  return series;
}

/** A stable, country-looking IPv4 address: the first octet is derived from the country code. */
export function ipFor(country: string, rng: Rng): string {
  const first = 20 + (((country.charCodeAt(0) * 31 + country.charCodeAt(1)) * 7) % 190);
  return `${first}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
}

export function deviceId(rng: Rng): string {
  return `dev-${rng.int(0x1000, 0xffff).toString(16)}`;
}

export interface SecurityProfile {
  device: string;
  homeIps: [string, string];
}

export function securityProfile(c: Customer, rng: Rng): SecurityProfile {
  return { device: deviceId(rng), homeIps: [ipFor(c.homeCountries[0], rng), ipFor(c.homeCountries[1], rng)] };
}

/** Everyday sign-ins from the home countries, with the odd failed attempt, password change or new phone. */
export function generateSecurityEvents(c: Customer, profile: SecurityProfile, rng: Rng): SecurityEvent[] {
  const events: SecurityEvent[] = [];
  let device = profile.device;
  const newPhoneDay = rng.chance(0.12) ? rng.int(5, 80) : -1;
  const passwordDay = rng.chance(0.2) ? rng.int(3, 85) : -1;
  for (let d = 0; d < DATASET_DAYS; d++) {
    const minute = rng.int(6 * 60, 23 * 60);
    const second = rng.chance(0.15);
    const country = second ? c.homeCountries[1] : c.homeCountries[0];
    const ip = rng.chance(0.85) ? profile.homeIps[second ? 1 : 0] : ipFor(country, rng);
    if (d === newPhoneDay) {
      device = deviceId(rng);
      events.push(ev(c, d, minute - 5, 'device_change', country, ip, true, device, 'new device registered'));
    }
    if (d === passwordDay) events.push(ev(c, d, minute + 3, 'password_change', country, ip, true, device));
    if (!rng.chance(0.45) && d !== newPhoneDay && d !== passwordDay) continue;
    if (rng.chance(0.05))
      events.push(ev(c, d, minute - 2, 'login', country, ip, false, device, 'wrong password'));
    events.push(ev(c, d, minute, 'login', country, ip, true, device));
  }
  return events;
}

export function ev(
  c: Customer,
  day: number,
  minute: number,
  type: SecurityEvent['type'],
  country: string,
  ip: string,
  success: boolean,
  device: string,
  detail?: string,
): SecurityEvent {
  const e: SecurityEvent = {
    customerId: c.id,
    ts: timestamp(day, minute),
    type,
    country,
    ip,
    success,
    device,
  };
  if (detail !== undefined) e.detail = detail;
  return e;
}

const CATALOG = [
  'Phone case',
  'Wireless charger',
  'Earbuds',
  'Screen protector',
  'Smartwatch band',
  'Power bank',
  'USB-C cable',
  'Prepaid top-up',
] as const;

/** A few accessory orders around the customer's average transaction; rarely one is returned and refunded. */
export function generateOrders(c: Customer, rng: Rng): { orders: Order[]; refunds: Refund[] } {
  const orders: Order[] = [];
  const refunds: Refund[] = [];
  const count = rng.int(1, 4);
  for (let k = 1; k <= count; k++) {
    const day = rng.int(0, DATASET_DAYS - 3);
    const items = rng.chance(0.3) ? [rng.pick(CATALOG), rng.pick(CATALOG)] : [rng.pick(CATALOG)];
    const returned = rng.chance(0.06);
    const order: Order = {
      id: `ORD-${c.id}-${String(k).padStart(2, '0')}`,
      customerId: c.id,
      ts: timestamp(day, rng.int(8 * 60, 22 * 60)),
      items,
      totalUsd: round2(c.avgTransactionUsd * rng.float(0.6, 1.4)),
      status: returned ? 'returned' : day > DATASET_DAYS - 5 ? 'shipped' : 'delivered',
      paymentStatus: returned ? 'refunded' : 'paid',
      shipCountry: c.homeCountries[0],
      channel: rng.pick(['web', 'app', 'store'] as const),
    };
    orders.push(order);
    if (returned) {
      refunds.push({
        id: `REF-${order.id}`,
        customerId: c.id,
        ref: order.id,
        date: dayDate(Math.min(day + 6, DATASET_DAYS - 1)),
        amountUsd: order.totalUsd,
        reason: 'item returned',
      });
    }
  }
  return { orders, refunds };
}
