import type { Alert, TelemetryEvent } from '../detection/schema';
import { datasetAt, type DatasetView } from '../tools/data/dataset';
import { median } from '../tools/data/stats';
import { liveOf } from '../tools/timeline';
import type { ToolContext } from '../tools/types';
import { Explanation, type ExplanationKind } from './types';

/**
 * Code checks every benign explanation a specialist names against the data before the auto-clear policy
 * may rely on it: the referenced record must exist for this customer and must really cover the alert —
 * the notice covers the country and the day, the device is the one that signed in, the amount is within
 * what the customer spent at that merchant, the API rate within the customer's own busiest minute.
 * A model cannot talk a case into clearing: an explanation that covers no alert is dropped.
 */

const DAY_MS = 86_400_000;
/** Devices seen in history before this many days ago count as the customer's own. */
const KNOWN_BEFORE_DAYS = 14;
/** How far back the sign-in before a travelled one is looked for (a long-haul flight and then some). */
const TRAVEL_LOOKBACK_MS = 24 * 3_600_000;
/**
 * Sign-ins from two countries closer together than this are a trip no notice or known place explains
 * (US then JP 25 minutes later), unless the later one is on a device positively known to be the
 * customer's: without distances this is the conservative bound, and only the customer's own phone
 * (a border crossing) earns the benefit of the doubt.
 */
const IMPOSSIBLE_TRIP_MS = 2 * 3_600_000;

interface Facts {
  view: DatasetView;
  customerId: string;
  now: number;
  home: Set<string>;
  live: readonly { t: number; event: TelemetryEvent }[];
}

export function verifyExplanations(
  proposed: ReadonlyArray<{ kind: string; ref: string; detail?: string }>,
  alerts: readonly Alert[],
  ctx: ToolContext,
  customerId: string,
): Explanation[] {
  const view = datasetAt(ctx.asOf);
  const customer = view.customer(customerId);
  if (!customer) return [];
  const facts: Facts = {
    view,
    customerId: customer.id,
    now: ctx.asOf ? Date.parse(ctx.asOf) : Date.parse(`${view.end}T23:59:59.999Z`),
    home: new Set(customer.homeCountries),
    live: liveOf(ctx, customer.id)?.events ?? [],
  };
  const out: Explanation[] = [];
  for (const p of proposed) {
    const kind = Explanation.shape.kind.safeParse(p.kind);
    if (!kind.success || !p.ref) continue;
    const covers = alerts.filter((a) => covered(kind.data, p.ref, a, facts)).map((a) => a.alertId);
    if (covers.length === 0 || out.some((e) => e.kind === kind.data && e.ref === p.ref)) continue;
    out.push({ kind: kind.data, ref: p.ref.slice(0, 200), detail: (p.detail ?? '').slice(0, 500), covers });
  }
  return out;
}

function covered(kind: ExplanationKind, ref: string, alert: Alert, f: Facts): boolean {
  const events = alert.events;
  if (events.length === 0) return false;
  switch (kind) {
    case 'travel_notice': {
      const n = f.view.travelNoticesOf(f.customerId).find((x) => x.id === ref);
      if (!n) return false;
      const located = events.flatMap((e) => {
        const c = countryOf(e);
        return c && !f.home.has(c) ? [{ e, c }] : [];
      });
      if (located.length === 0) return false;
      const from = Date.parse(`${n.from}T00:00:00Z`);
      const to = Date.parse(`${n.to}T00:00:00Z`) + DAY_MS;
      return located.every(({ e, c }) => {
        const t = Date.parse(e.timestamp);
        const inForce = t >= from && t < to;
        return (
          n.countries.includes(c) &&
          inForce &&
          ownDevice(deviceOf(e), f) &&
          cameFrom(e, new Set([...f.home, ...n.countries]), f)
        );
      });
    }
    case 'registered_device':
    case 'known_device': {
      const own = kind === 'registered_device' ? registered(ref, f) : longKnown(ref, f);
      if (!own) return false;
      return events.every((e) => {
        if (deviceOf(e) !== ref) return false;
        // A data spike on the customer's own phone is explained only by a phone set up days ago.
        if (e.type === 'data_usage')
          return (
            kind === 'registered_device' && Date.parse(e.timestamp) - registeredAt(ref, f) <= 10 * DAY_MS
          );
        return e.type === 'login' || e.type === 'account_change';
      });
    }
    case 'known_location': {
      const logins = f.view
        .securityEventsOf(f.customerId)
        .filter((e) => e.type === 'login' && e.success && e.country === ref && ownDevice(e.device, f));
      if (logins.length < 3) return false;
      return events.every(
        (e) =>
          e.type === 'login' &&
          e.country === ref &&
          ownDevice(deviceOf(e), f) &&
          cameFrom(e, new Set([...f.home, ref]), f),
      );
    }
    case 'usual_merchant': {
      const past = f.view
        .transactionsOf(f.customerId)
        .filter((t) => t.kind === 'purchase' && t.merchant === ref);
      if (past.length < 2) return false;
      const max = Math.max(...past.map((t) => t.amountUsd));
      const countries = new Set([...f.home, ...past.map((t) => t.merchantCountry)]);
      return events.every(
        (e) =>
          e.type === 'transaction' &&
          (e.kind ?? 'purchase') === 'purchase' &&
          e.merchant === ref &&
          e.amount <= 1.5 * max &&
          (!e.merchantCountry || countries.has(e.merchantCountry)) &&
          // The shop explains the amount, not who paid: a purchase on a stranger's device stays unexplained.
          ownDevice(e.device, f),
      );
    }
    case 'matching_purchase': {
      const bought = f.view.transactionsOf(f.customerId).find((t) => t.id === ref && t.kind === 'purchase');
      if (!bought) return false;
      return events.every(
        (e) =>
          e.type === 'transaction' &&
          e.kind === 'refund' &&
          e.merchant === bought.merchant &&
          e.amount <= bought.amountUsd + 0.01,
      );
    }
    case 'api_history': {
      const series = f.view.apiUsageOf(f.customerId).find((a) => a.endpoint === ref);
      if (!series || series.dailyCalls.filter((n) => n > 0).length < 5) return false;
      const peak = Math.max(...series.dailyPeakPerMinute);
      const calls = f.live
        .filter((x) => x.event.type === 'api_call' && x.event.endpoint === ref && x.t <= f.now)
        .map((x) => x.t);
      return (
        events.every((e) => e.type === 'api_call' && e.endpoint === ref) && maxPerMinute(calls) <= 1.5 * peak
      );
    }
    case 'usage_history': {
      const primary = f.view.subscriptionsOf(f.customerId).find((s) => s.line === 'primary');
      const series = primary ? (f.view.usageOf(primary.id) ?? []) : [];
      const baseline = Math.max(1, median(series));
      const heavy = series.filter((mb) => mb > 4 * baseline);
      if (heavy.length < 2) return false;
      const biggest = Math.max(...heavy);
      return events.every((e) => e.type === 'data_usage' && e.mb <= 1.3 * biggest && ownDevice(e.device, f));
    }
    case 'hotspot_pass': {
      const order = f.view
        .ordersOf(f.customerId)
        .find((o) => o.id === ref && o.items.some((i) => /hotspot/i.test(i)));
      if (!order) return false;
      const bought = Date.parse(order.ts);
      return events.every((e) => {
        const t = Date.parse(e.timestamp);
        return e.type === 'data_usage' && t >= bought && t - bought <= 7 * DAY_MS && ownDevice(e.device, f);
      });
    }
    case 'self_service_reset': {
      if (!ownDevice(ref, f)) return false;
      return events.every((e) => {
        if (e.type !== 'auth_failure' && !(e.type === 'login' && !e.success)) return false;
        const t = Date.parse(e.timestamp);
        const near = f.live.filter((x) => Math.abs(x.t - t) <= 10 * 60_000);
        const failures = near.filter(
          (x) => x.event.type === 'auth_failure' || (x.event.type === 'login' && !x.event.success),
        );
        const fromHome = [e, ...failures.map((x) => x.event)].every((x) => {
          const c = countryOf(x);
          return !c || f.home.has(c);
        });
        const after = f.live.filter(
          (x) => x.t >= t && x.t <= t + 30 * 60_000 && x.event.type === 'login' && x.event.success,
        );
        const homeSuccess = after.some(
          (x) => x.event.type === 'login' && deviceOf(x.event) === ref && f.home.has(x.event.country),
        );
        const strangeSuccess = after.some(
          (x) =>
            x.event.type === 'login' && (!f.home.has(x.event.country) || !ownDevice(deviceOf(x.event), f)),
        );
        return fromHome && homeSuccess && !strangeSuccess;
      });
    }
  }
}

/**
 * A reason to be in one country says nothing about the sign-in just before it: a notice for FR does not
 * explain a login from BR forty minutes earlier, nor the impossible trip between them. A sign-in is
 * explained only when the customer's previous successful sign-in (within TRAVEL_LOOKBACK_MS) was from a
 * place the same reason covers (home, or a country on the same notice / the same known place).
 */
function cameFrom(e: TelemetryEvent, places: ReadonlySet<string>, f: Facts): boolean {
  if (e.type !== 'login') return true;
  const t = Date.parse(e.timestamp);
  let before: { t: number; country: string } | undefined;
  for (const x of f.live)
    if (x.event.type === 'login' && x.event.success && x.t < t && x.t >= t - TRAVEL_LOOKBACK_MS)
      if (!before || x.t > before.t) before = { t: x.t, country: x.event.country };
  if (!before || before.country === e.country) return true;
  const device = deviceOf(e);
  const knownDevice = !!device && (registered(device, f) || longKnown(device, f));
  if (t - before.t < IMPOSSIBLE_TRIP_MS && !knownDevice) return false;
  return places.has(before.country);
}

function countryOf(e: TelemetryEvent): string | undefined {
  switch (e.type) {
    case 'login':
      return e.country;
    case 'auth_failure':
    case 'data_usage':
    case 'account_change':
      return e.country;
    case 'transaction':
      return e.merchantCountry;
    default:
      return undefined;
  }
}

function deviceOf(e: TelemetryEvent): string | undefined {
  return 'device' in e ? e.device : undefined;
}

function registered(device: string, f: Facts): boolean {
  return f.view.devicesOf(f.customerId).some((d) => d.deviceId === device);
}

function registeredAt(device: string, f: Facts): number {
  const d = f.view.devicesOf(f.customerId).find((x) => x.deviceId === device);
  return d ? Date.parse(`${d.registered}T00:00:00Z`) : Number.NEGATIVE_INFINITY;
}

function longKnown(device: string, f: Facts): boolean {
  const before = f.now - KNOWN_BEFORE_DAYS * DAY_MS;
  const logins = f.view
    .securityEventsOf(f.customerId)
    .filter((e) => e.type === 'login' && e.success && e.device === device && f.home.has(e.country));
  return logins.length >= 3 && Date.parse(logins[0]!.ts) < before;
}

/** No device reported counts as unknown-but-not-contradicting; a reported one must be the customer's. */
function ownDevice(device: string | undefined, f: Facts): boolean {
  return !device || registered(device, f) || longKnown(device, f);
}

function maxPerMinute(times: number[]): number {
  const t = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < t.length; i++) {
    while (t[i]! - t[j]! > 60_000) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}
