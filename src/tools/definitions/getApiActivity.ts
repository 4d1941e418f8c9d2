import { z } from 'zod';
import type { LiveEvent } from '../../live/record.js';
import { isBulkDataEndpoint } from '../../detection/endpoints.js';
import { defineTool, round2 } from '../define.js';
import { asOfMs, liveOf } from '../timeline.js';
import { customerIdArg, daysArg, requireCustomer, viewOf } from './common.js';

export const GetApiActivityInput = z.object({
  customer_id: customerIdArg,
  days: daysArg(90, 'How many days of history to compare with'),
});
export type GetApiActivityInput = z.infer<typeof GetApiActivityInput>;

const LIVE_LIST = 10;

export const getApiActivity = defineTool({
  name: 'get_api_activity',
  description:
    "API use of a customer's account per endpoint: the history (days used, calls a day, the busiest minute ever) and " +
    'the live calls received since (count, the most calls within any 60 seconds, IPs and devices), each marked by source, ' +
    'with endpoints that hand out account data in bulk (exports, downloads, dumps, backups: judged by the path) flagged, ' +
    'and the calling IPs the customer never signed in from listed as new.',
  input: GetApiActivityInput,
  handler: async ({ customer_id, days }, ctx) => {
    const view = viewOf(ctx);
    const c = requireCustomer(customer_id, view);
    const now = asOfMs(ctx, view);
    const firstDay = Math.max(0, (view.dayIndex(new Date(now).toISOString()) ?? 90) - days);
    const endpoints = new Map<string, Endpoint>();
    const get = (e: string) => {
      let x = endpoints.get(e);
      if (!x)
        endpoints.set(
          e,
          (x = {
            endpoint: e,
            history: { daysUsed: 0, calls: 0, peakPerMinute: 0, lastDay: null },
            live: [],
          }),
        );
      return x;
    };
    for (const series of view.apiUsageOf(c.id)) {
      const x = get(series.endpoint);
      series.dailyCalls.forEach((n, d) => {
        if (d < firstDay || n === 0) return;
        x.history.daysUsed++;
        x.history.calls += n;
        x.history.peakPerMinute = Math.max(x.history.peakPerMinute, series.dailyPeakPerMinute[d] ?? 0);
        x.history.lastDay = view.dayDate(d);
      });
    }
    const all = liveOf(ctx, c.id)?.events ?? [];
    const live = all.filter((e) => e.event.type === 'api_call' && e.t <= now);
    // IPs the customer is known at: sign-ins in the history and live ones before now.
    const knownIps = new Set(view.securityEventsOf(c.id).flatMap((e) => (e.ip ? [e.ip] : [])));
    for (const e of all)
      if (e.event.type === 'login' && e.event.success && e.t <= now) knownIps.add(e.event.ip);
    for (const e of live) if (e.event.type === 'api_call') get(e.event.endpoint).live.push(e);
    const rows = [...endpoints.values()].map((x) => {
      const times = x.live.map((e) => e.t);
      const ips = new Set(
        x.live.flatMap((e) => (e.event.type === 'api_call' && e.event.ip ? [e.event.ip] : [])),
      );
      const devices = new Set(
        x.live.flatMap((e) => (e.event.type === 'api_call' && e.event.device ? [e.event.device] : [])),
      );
      const maxPerMinute = maxIn(times, 60_000);
      return {
        endpoint: x.endpoint,
        bulkData: isBulkDataEndpoint(x.endpoint),
        history: {
          ...x.history,
          avgCallsPerDay: x.history.daysUsed ? round2(x.history.calls / x.history.daysUsed) : 0,
        },
        live: {
          calls: x.live.length,
          maxPerMinute,
          ...(x.live.length
            ? {
                first: new Date(times[0]!).toISOString(),
                last: new Date(times[times.length - 1]!).toISOString(),
              }
            : {}),
          ips: [...ips].slice(0, 5),
          newIps: [...ips].filter((ip) => !knownIps.has(ip)).slice(0, 5),
          devices: [...devices].slice(0, 5),
          vsHistoryPeak: x.history.peakPerMinute ? round2(maxPerMinute / x.history.peakPerMinute) : null,
        },
      };
    });
    rows.sort((a, b) => b.live.calls - a.live.calls || b.history.calls - a.history.calls);
    return {
      customerId: c.id,
      window: { historyDays: days, until: new Date(now).toISOString() },
      endpoints: rows,
      liveCalls: live
        .slice(-LIVE_LIST)
        .reverse()
        .map((e) => ({
          id: e.id,
          ts: new Date(e.t).toISOString(),
          source: 'live' as const,
          endpoint: e.event.type === 'api_call' ? e.event.endpoint : '',
          ...(e.event.type === 'api_call' && e.event.ip ? { ip: e.event.ip } : {}),
          ...(e.event.type === 'api_call' && e.event.device ? { device: e.event.device } : {}),
        })),
    };
  },
});

interface Endpoint {
  endpoint: string;
  history: { daysUsed: number; calls: number; peakPerMinute: number; lastDay: string | null };
  live: LiveEvent[];
}

function maxIn(times: number[], widthMs: number): number {
  const t = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < t.length; i++) {
    while ((t[i] ?? 0) - (t[j] ?? 0) > widthMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}
