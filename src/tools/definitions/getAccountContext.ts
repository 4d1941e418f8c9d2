import { z } from 'zod';
import { median } from '../data/stats.js';
import { defineTool, ratio, round2 } from '../define.js';
import { asOfMs } from '../timeline.js';
import { customerIdArg, requireCustomer, viewOf } from './common.js';

export const GetAccountContextInput = z.object({ customer_id: customerIdArg });
export type GetAccountContextInput = z.infer<typeof GetAccountContextInput>;

const DAY_MS = 86_400_000;
const LIST = 8;

export const getAccountContext = defineTool({
  name: 'get_account_context',
  description:
    "What the carrier knows that can explain an alert as the customer's own doing: travel notices (active, upcoming, past), " +
    'registered devices, devices and foreign countries the customer has signed in from before, usual merchants with ' +
    "the largest amounts spent there, API endpoints the customer's apps use daily with their busiest minute, recent " +
    'orders (phone upgrades, hotspot passes), past heavy data days, and when the customer last signed in before today. ' +
    'Use it to check whether an anomaly has a concrete benign explanation in the data; cite the id or name you rely on.',
  input: GetAccountContextInput,
  handler: async ({ customer_id }, ctx) => {
    const view = viewOf(ctx);
    const c = requireCustomer(customer_id, view);
    const now = asOfMs(ctx, view);
    const today = new Date(now).toISOString().slice(0, 10);
    const home = new Set<string>(c.homeCountries);
    const logins = view.securityEventsOf(c.id).filter((e) => e.type === 'login' && e.success);
    const devices = new Map<
      string,
      { logins: number; first: string; last: string; countries: Set<string> }
    >();
    const places = new Map<string, { logins: number; devices: Set<string> }>();
    for (const e of logins) {
      const d = devices.get(e.device) ?? { logins: 0, first: e.ts, last: e.ts, countries: new Set<string>() };
      d.logins++;
      d.last = e.ts;
      d.countries.add(e.country);
      devices.set(e.device, d);
      if (!home.has(e.country)) {
        const p = places.get(e.country) ?? { logins: 0, devices: new Set<string>() };
        p.logins++;
        p.devices.add(e.device);
        places.set(e.country, p);
      }
    }
    const merchants = new Map<string, { purchases: number; maxUsd: number; total: number }>();
    for (const t of view.transactionsOf(c.id))
      if (t.kind === 'purchase') {
        const m = merchants.get(t.merchant) ?? { purchases: 0, maxUsd: 0, total: 0 };
        m.purchases++;
        m.maxUsd = Math.max(m.maxUsd, t.amountUsd);
        m.total += t.amountUsd;
        merchants.set(t.merchant, m);
      }
    const primary = view.subscriptionsOf(c.id).find((s) => s.line === 'primary');
    const usage = primary ? (view.usageOf(primary.id) ?? []) : [];
    const baseline = Math.max(1, median([...usage]));
    const lastLogin = logins.at(-1);
    return {
      customerId: c.id,
      asOf: new Date(now).toISOString(),
      homeCountries: c.homeCountries,
      travelNotices: view.travelNoticesOf(c.id).map((n) => ({
        id: n.id,
        countries: n.countries,
        from: n.from,
        to: n.to,
        filed: n.filed,
        status: today < n.from ? 'upcoming' : today > n.to ? 'past' : 'active',
      })),
      registeredDevices: view.devicesOf(c.id).map((d) => ({
        deviceId: d.deviceId,
        label: d.label,
        registered: d.registered,
        channel: d.channel,
      })),
      knownDevices: [...devices.entries()]
        .sort((a, b) => b[1].logins - a[1].logins)
        .slice(0, LIST)
        .map(([device, d]) => ({
          device,
          logins: d.logins,
          firstSeen: d.first,
          lastSeen: d.last,
          countries: [...d.countries],
        })),
      knownForeignLocations: [...places.entries()]
        .sort((a, b) => b[1].logins - a[1].logins)
        .slice(0, LIST)
        .map(([country, p]) => ({ country, logins: p.logins, devices: [...p.devices].slice(0, 3) })),
      usualMerchants: [...merchants.entries()]
        .sort((a, b) => b[1].purchases - a[1].purchases || b[1].maxUsd - a[1].maxUsd)
        .slice(0, LIST)
        .map(([merchant, m]) => ({
          merchant,
          purchases: m.purchases,
          avgUsd: round2(m.total / m.purchases),
          maxUsd: m.maxUsd,
        })),
      regularApiEndpoints: view
        .apiUsageOf(c.id)
        .map((a) => ({
          endpoint: a.endpoint,
          daysUsed: a.dailyCalls.filter((n) => n > 0).length,
          peakPerMinute: Math.max(0, ...a.dailyPeakPerMinute),
        }))
        .filter((a) => a.daysUsed > 0)
        .sort((a, b) => b.daysUsed - a.daysUsed),
      recentOrders: view
        .ordersOf(c.id)
        .filter((o) => Date.parse(o.ts) >= now - 14 * DAY_MS)
        .map((o) => ({
          orderId: o.id,
          ts: o.ts,
          items: o.items,
          totalUsd: o.totalUsd,
          shipCountry: o.shipCountry,
          status: o.status,
          channel: o.channel,
        })),
      heavyDataDays: usage
        .map((mb, d) => ({ date: view.dayDate(d), mb, vsBaseline: ratio(mb, baseline) ?? 0 }))
        .filter((d) => d.vsBaseline > 4)
        .slice(-LIST),
      usageBaselineMbPerDay: Math.round(baseline),
      lastLogin: lastLogin
        ? {
            ts: lastLogin.ts,
            country: lastLogin.country,
            device: lastLogin.device,
            daysAgo: Math.floor((now - Date.parse(lastLogin.ts)) / DAY_MS),
          }
        : null,
    };
  },
});
