import { datasetAt, type DatasetView } from '../../../src/tools/data/dataset';
import { median } from '../../../src/tools/data/stats';
import type { Rng } from '../../../src/shared/prng';
import { ipIn, newDevice } from './normal';
import type { Cleanliness } from './types';

/**
 * What the corpus generator reads about each dataset customer — the same data the app's tools return —
 * to pick customers a family needs (a traveller with a notice, a customer with a polling app…) and to
 * make normal traffic look like that customer's own. Facts, not labels.
 */
export interface CustomerFacts {
  id: string;
  home: [string, string];
  avg: number;
  dailyMb: number;
  /** The phone registered at signup: the device the customer's own traffic reports. */
  ownDevice: string;
  homeIps: string[];
  usualMerchants: string[];
  history: Cleanliness;
  activeNotice?: { id: string; countries: string[] };
  bigMerchant?: { merchant: string; maxUsd: number; purchases: Array<{ id: string; amount: number }> };
  /** Heavy data days in the history (≥ 2 days above 4x the median), or a hotspot pass just bought. */
  heavyDataMb?: number;
  hotspotPass?: boolean;
  polling?: { endpoint: string; peak: number };
  newPhone?: string;
  frequentForeign?: string;
  dormant: boolean;
}

export function customerFacts(nowIso: string): CustomerFacts[] {
  const view = datasetAt(nowIso);
  const now = Date.parse(nowIso);
  const today = nowIso.slice(0, 10);
  return view.data.customers.map((c) => factsOf(view, c.id, now, today));
}

function factsOf(view: DatasetView, id: string, now: number, today: string): CustomerFacts {
  const c = view.customer(id)!;
  const home = new Set<string>(c.homeCountries);
  const security = view.securityEventsOf(id);
  const logins = security.filter((e) => e.type === 'login' && e.success);
  const registered = view.devicesOf(id);
  const ownDevice = registered[0]!.deviceId;
  const own = new Set(registered.map((d) => d.deviceId));
  const ipCount = new Map<string, number>();
  for (const e of logins) if (home.has(e.country)) ipCount.set(e.ip, (ipCount.get(e.ip) ?? 0) + 1);
  const homeIps = [...ipCount.entries()].sort((a, b) => b[1] - a[1]).map(([ip]) => ip);
  const tx = view.transactionsOf(id).filter((t) => t.kind === 'purchase');
  const byMerchant = new Map<string, Array<{ id: string; amount: number }>>();
  for (const t of tx)
    byMerchant.set(t.merchant, [...(byMerchant.get(t.merchant) ?? []), { id: t.id, amount: t.amountUsd }]);
  const usualMerchants = [...byMerchant.entries()].filter(([, p]) => p.length >= 3).map(([m]) => m);
  const big = [...byMerchant.entries()]
    .map(([merchant, purchases]) => ({
      merchant,
      purchases: purchases.filter((p) => p.amount >= 3.2 * c.avgTransactionUsd),
    }))
    .find((m) => m.purchases.length >= 2);
  const primary = view.subscriptionsOf(id).find((s) => s.line === 'primary')!;
  const usage = view.usageOf(primary.id) ?? [];
  const base = Math.max(1, median(usage));
  const heavy = usage.filter((mb) => mb > 4 * base);
  const billing = view.billingOf(id);
  const failed = security.filter((e) => e.type === 'login' && !e.success).length;
  const strangeForeign = logins.some((e) => !home.has(e.country) && !own.has(e.device));
  const dirty =
    billing.disputes.length > 0 ||
    billing.refunds.length > 0 ||
    billing.payments.some((p) => p.status === 'failed') ||
    failed >= 3 ||
    strangeForeign;
  const notice = view
    .travelNoticesOf(id)
    .find((n) => n.from <= today && today <= n.to && n.countries.every((x) => !home.has(x)));
  const polling = view
    .apiUsageOf(id)
    .map((a) => ({
      endpoint: a.endpoint,
      peak: Math.max(...a.dailyPeakPerMinute),
      days: a.dailyCalls.filter((n) => n > 0).length,
    }))
    .find((a) => a.peak >= 21 && a.days >= 5);
  const fresh = registered.find(
    (d) => now - Date.parse(`${d.registered}T00:00:00Z`) <= 6 * 86_400_000 && d.channel === 'store',
  );
  const foreignCounts = new Map<string, number>();
  for (const e of logins)
    if (!home.has(e.country) && own.has(e.device))
      foreignCounts.set(e.country, (foreignCounts.get(e.country) ?? 0) + 1);
  const frequent = [...foreignCounts.entries()].find(([, n]) => n >= 5)?.[0];
  const hotspot = view
    .ordersOf(id)
    .some((o) => o.items.some((i) => /hotspot/i.test(i)) && now - Date.parse(o.ts) <= 6 * 86_400_000);
  const lastLogin = logins.at(-1);
  return {
    id,
    home: c.homeCountries,
    avg: c.avgTransactionUsd,
    // The larger of the rules' baseline (the profile) and the tools' (the median day): a spike beats both.
    dailyMb: Math.round(Math.max(base, c.avgDailyDataGb * 1024)),
    ownDevice,
    homeIps: homeIps.length ? homeIps : ['20.1.1.1'],
    usualMerchants: usualMerchants.length ? usualMerchants : [...byMerchant.keys()],
    history: dirty ? 'dirty' : 'clean',
    ...(notice ? { activeNotice: { id: notice.id, countries: notice.countries } } : {}),
    ...(big
      ? {
          bigMerchant: {
            merchant: big.merchant,
            maxUsd: Math.max(...big.purchases.map((p) => p.amount)),
            purchases: big.purchases,
          },
        }
      : {}),
    ...(heavy.length >= 2 ? { heavyDataMb: Math.max(...heavy) } : {}),
    ...(hotspot ? { hotspotPass: true } : {}),
    ...(polling ? { polling: { endpoint: polling.endpoint, peak: polling.peak } } : {}),
    ...(fresh ? { newPhone: fresh.deviceId } : {}),
    ...(frequent ? { frequentForeign: frequent } : {}),
    dormant: !lastLogin || now - Date.parse(lastLogin.ts) >= 45 * 86_400_000,
  };
}

// prettier-ignore
const UNKNOWN_HOMES: ReadonlyArray<[string, string]> = [['US', 'CA'], ['GB', 'IE'], ['DE', 'AT'], ['FR', 'BE'], ['ES', 'PT'], ['NL', 'BE'], ['SE', 'NO'], ['AU', 'NZ'], ['JP', 'KR'], ['IT', 'CH']];
// prettier-ignore
const UNKNOWN_MERCHANTS = ['Grocery Corner', 'City Pharmacy', 'Metro Transit', 'Cafe Aroma', 'Fuel Stop', 'Book Nook', 'Daily Market'] as const;

/**
 * A customer the dataset has never heard of (signed up after it was cut, or another brand's account):
 * habits drawn at random so their traffic looks lived-in, but nothing in the data for the tools to find.
 * The id is outside the dataset's C### range.
 */
export function unknownFacts(id: string, rng: Rng): CustomerFacts {
  const home = rng.pick(UNKNOWN_HOMES);
  return {
    id,
    home: [home[0], home[1]],
    avg: Math.round(rng.float(15, 180) * 100) / 100,
    dailyMb: Math.round(rng.float(250, 3000)),
    ownDevice: newDevice(rng),
    homeIps: [ipIn(home[0], rng)],
    usualMerchants: [...new Set(Array.from({ length: 3 }, () => rng.pick(UNKNOWN_MERCHANTS)))],
    history: 'unknown',
    dormant: false,
  };
}
