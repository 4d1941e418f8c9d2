import type { TelemetryEvent } from '../../../src/detection/schema';
import { APP_ENDPOINTS } from '../../../src/tools/data/context';
import type { Rng } from '../../../src/shared/prng';
import type { CustomerFacts } from './customers';

/**
 * A customer's own everyday traffic over a span before `untilMs`: sign-ins from home on their phone,
 * purchases at their usual shops around their average, usage reports around their daily use, the
 * carrier app's API calls, the odd mistyped password. None of it should raise an alert; the optional
 * fields (device, country) are present on some events only, as with a mix of client versions.
 */
export function normalTraffic(f: CustomerFacts, rng: Rng, fromMs: number, untilMs: number): TelemetryEvent[] {
  const events: TelemetryEvent[] = [];
  const at = () => new Date(fromMs + Math.floor(rng.next() * (untilMs - fromMs))).toISOString();
  const base = { customerId: f.id };
  if (!f.dormant) {
    for (let k = rng.int(2, 6); k > 0; k--)
      events.push({
        type: 'login',
        ...base,
        timestamp: at(),
        country: rng.chance(0.9) ? f.home[0] : f.home[1],
        ip: rng.pick(f.homeIps),
        success: true,
        ...(rng.chance(0.7) ? { device: f.ownDevice } : {}),
      });
    for (let k = rng.int(1, 5); k > 0; k--)
      events.push({
        type: 'transaction',
        ...base,
        timestamp: at(),
        amount: cents(f.avg * Math.min(2.2, Math.max(0.2, rng.logNormal(0.45)))),
        merchant: rng.pick(f.usualMerchants),
        ...(rng.chance(0.5) ? { merchantCountry: f.home[0] } : {}),
      });
    if (rng.chance(0.1)) events.push({ type: 'auth_failure', ...base, timestamp: at() });
  }
  for (let k = rng.int(1, 3); k > 0; k--)
    events.push({
      type: 'data_usage',
      ...base,
      timestamp: at(),
      mb: Math.round(f.dailyMb * (f.dormant ? 0.05 : rng.float(0.4, 1.6))),
      ...(rng.chance(0.5) ? { device: f.ownDevice } : {}),
    });
  if (!f.dormant)
    for (let k = rng.int(2, 10); k > 0; k--)
      events.push({ type: 'api_call', ...base, timestamp: at(), endpoint: rng.pick(APP_ENDPOINTS) });
  return events.sort((a, b) => a.timestamp.localeCompare(b.timestamp));
}

export const cents = (x: number) => Math.round(x * 100) / 100;

/** A country-looking IPv4 address (first octet from the country code), different each call. */
export function ipIn(country: string, rng: Rng): string {
  const first = 20 + (((country.charCodeAt(0) * 31 + country.charCodeAt(1)) * 7) % 190);
  return `${first}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
}

/** A device id in the same format as the customers' own. */
export function newDevice(rng: Rng): string {
  return `dev-${rng.int(0x1000, 0xffff).toString(16)}`;
}
