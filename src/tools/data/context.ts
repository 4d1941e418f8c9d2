import type { Rng } from '../../shared/prng.js';
import { DATASET_DAYS, dayDate, dayIndex } from './calendar.js';
import type { SecurityProfile } from './activity.js';
import type { ApiUsageSeries, Customer, RegisteredDevice, SecurityEvent, TravelNotice } from './schema.js';

/**
 * What the carrier knows about a customer beyond raw activity, and what can make an alert benign:
 * the devices registered to the account, the trips the customer announced, and how the customer's own
 * apps use the API day to day.
 */

/** The customer's phone since signup, and each new phone the customer registered (a device_change at home). */
export function registeredDevices(
  c: Customer,
  profile: SecurityProfile,
  security: readonly SecurityEvent[],
): RegisteredDevice[] {
  const home = new Set<string>(c.homeCountries);
  const devices: RegisteredDevice[] = [
    {
      deviceId: profile.device,
      customerId: c.id,
      label: 'Phone (at signup)',
      registered: c.signupDate,
      channel: 'signup',
    },
  ];
  for (const e of security)
    if (e.type === 'device_change' && home.has(e.country) && !devices.some((d) => d.deviceId === e.device))
      devices.push({
        deviceId: e.device,
        customerId: c.id,
        label: 'New phone',
        registered: e.ts.slice(0, 10),
        channel: 'store',
      });
  return devices;
}

// prettier-ignore
export const TRAVEL_COUNTRIES = [
  'JP', 'FR', 'IT', 'ES', 'GR', 'TH', 'MX', 'PT', 'DE', 'GB', 'US', 'CA', 'AU', 'BR', 'TR', 'AE', 'SG', 'NZ',
] as const;

export function travelNotice(
  c: Customer,
  k: number,
  countries: readonly string[],
  fromDay: number,
  toDay: number,
  filedDay: number,
): TravelNotice {
  return {
    id: `TN-${c.id}-${k}`,
    customerId: c.id,
    countries: [...countries],
    from: dayDate(fromDay),
    to: dayDate(toDay),
    filed: dayDate(filedDay),
  };
}

/** Countries a customer could travel to: not home. */
export function awayCountries(c: Customer): string[] {
  return TRAVEL_COUNTRIES.filter((x) => !c.homeCountries.includes(x));
}

/** Endpoints the carrier's own app calls when the customer opens it. */
export const APP_ENDPOINTS = ['/v1/balance', '/v1/usage/summary', '/v1/plan', '/v1/invoices'] as const;
/** Endpoints a customer's home automation or widget polls all day. */
export const POLLING_ENDPOINTS = ['/v1/usage/live', '/v1/devices/status', '/v1/network/status'] as const;
/** Endpoints that hand out the account's data in bulk. */
export const BULK_DATA_ENDPOINTS = [
  '/v1/account/export',
  '/v1/contacts/export',
  '/v1/messages/download',
  '/v1/call-records',
] as const;

export interface ApiHabits {
  /** A polling app: thousands of calls a day, bursts above 20 a minute. */
  polling?: boolean;
  /** A data export or two in the past (the customer downloading their own data). */
  exportedOnce?: boolean;
}

export function generateApiUsage(c: Customer, rng: Rng, habits: ApiHabits = {}): ApiUsageSeries[] {
  const series: ApiUsageSeries[] = [];
  const add = (endpoint: string, day: (d: number) => [number, number]) => {
    const calls: number[] = [];
    const peak: number[] = [];
    for (let d = 0; d < DATASET_DAYS; d++) {
      const [n, p] = day(d);
      calls.push(n);
      peak.push(n === 0 ? 0 : Math.min(n, p));
    }
    series.push({ customerId: c.id, endpoint, dailyCalls: calls, dailyPeakPerMinute: peak });
  };
  for (const endpoint of APP_ENDPOINTS) {
    const use = rng.float(0.1, 0.7);
    add(endpoint, () => (rng.chance(use) ? [rng.int(1, 12), rng.int(1, 4)] : [0, 0]));
  }
  if (habits.polling) {
    const endpoint = rng.pick(POLLING_ENDPOINTS);
    const rate = rng.int(22, 45);
    const since = rng.int(0, 40);
    add(endpoint, (d) => (d < since ? [0, 0] : [rng.int(800, 3000), rate - rng.int(0, 3)]));
  }
  if (habits.exportedOnce) {
    const endpoint = rng.pick(BULK_DATA_ENDPOINTS);
    const day = rng.int(10, 80);
    add(endpoint, (d) => (d === day ? [rng.int(1, 3), 1] : [0, 0]));
  }
  return series;
}

/** Whether a notice covers a day (dataset day index) and a country. */
export function noticeCovers(n: TravelNotice, country: string, day: number): boolean {
  const from = dayIndex(n.from) ?? Infinity;
  const to = dayIndex(n.to) ?? -Infinity;
  return n.countries.includes(country) && day >= from && day <= to;
}
