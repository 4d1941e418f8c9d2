import { z } from 'zod';
import { DATASET_DAYS } from '../data/calendar.js';
import { defineTool, ratio } from '../define.js';
import { ToolError } from '../errors.js';
import { asOfMs, liveOf } from '../timeline.js';
import { dateArg, daysArg, viewOf } from './common.js';

export const GetDataUsageInput = z.object({
  subscription_id: z
    .string()
    .min(1)
    .max(60)
    .describe('Subscription id, e.g. "SUB-C001-1" (see get_subscription_detail).'),
  start_date: dateArg('First day of the window (default: `days` before today)').optional(),
  end_date: dateArg('Last day of the window, inclusive (default: today)').optional(),
  days: daysArg(30, 'Window length when no start_date is given, ending today'),
  aggregate: z
    .enum(['total', 'weekly', 'daily'])
    .default('total')
    .describe('"total" = summary only (default); "weekly" adds weekly totals; "daily" adds every day.'),
});
export type GetDataUsageInput = z.infer<typeof GetDataUsageInput>;

/** Days the "recent" figure covers: the end of the window, compared with the baseline before it. */
export const RECENT_DAYS = 7;
const LIVE_LIST = 10;

export const getDataUsage = defineTool({
  name: 'get_data_usage',
  description:
    'Daily mobile data (MB) of one subscription: the 90-day history and today, with the usage reports received live ' +
    '(added to the primary line, each day marked by source). Returns totals, the peak day, the average of the last ' +
    `${RECENT_DAYS} days of the window against the baseline (average of all earlier history days), the days above 4x ` +
    'baseline, the live reports (size against the baseline, device, country) and optional weekly/daily series.',
  input: GetDataUsageInput,
  handler: async ({ subscription_id, start_date, end_date, days, aggregate }, ctx) => {
    const view = viewOf(ctx);
    const sub = view.subscription(subscription_id);
    if (!sub) {
      const asCustomer = view.customer(subscription_id);
      const hint = asCustomer
        ? `"${subscription_id}" is a customer id; its subscriptions are ${view
            .subscriptionsOf(asCustomer.id)
            .map((s) => s.id)
            .join(', ')}`
        : 'ids look like SUB-C001-1; get_subscription_detail lists them';
      throw new ToolError(`subscription "${subscription_id}" not found; ${hint}`, 'not_found');
    }
    const now = asOfMs(ctx, view);
    const today = view.dayIndex(new Date(now).toISOString()) ?? DATASET_DAYS - 1;
    const last = Math.max(DATASET_DAYS - 1, today);
    const askedTo = end_date !== undefined ? (view.dayIndex(end_date) ?? today) : today;
    const askedFrom = start_date !== undefined ? (view.dayIndex(start_date) ?? 0) : askedTo - days + 1;
    if (askedFrom > askedTo)
      throw new ToolError(`start_date ${start_date} is after end_date ${end_date ?? view.dayDate(today)}`);
    const from = Math.max(0, askedFrom);
    const to = Math.min(last, askedTo);
    if (from > to)
      throw new ToolError(
        `no usage data between ${start_date ?? view.dayDate(askedFrom)} and ${end_date ?? view.dayDate(askedTo)}; data covers ${view.start}..${view.dayDate(last)}`,
      );

    const history = view.usageOf(sub.id) ?? [];
    const reports = sub.line === 'primary' ? (liveOf(ctx, sub.customerId)?.events ?? []) : [];
    const liveByDay = new Map<number, number>();
    const live = reports.filter((e) => e.event.type === 'data_usage' && e.t <= now);
    for (const e of live) {
      const d = view.dayIndex(new Date(e.t).toISOString());
      if (d !== null && e.event.type === 'data_usage') liveByDay.set(d, (liveByDay.get(d) ?? 0) + e.event.mb);
    }
    const dayMb = (d: number) =>
      (d < DATASET_DAYS ? (history[d] ?? 0) : 0) + Math.round(liveByDay.get(d) ?? 0);
    const series = Array.from({ length: to - from + 1 }, (_, i) => dayMb(from + i));
    const total = series.reduce((s, mb) => s + mb, 0);
    const peak = series.reduce((best, mb, i) => (mb > best.mb ? { i, mb } : best), { i: 0, mb: -1 });
    const recentFrom = Math.max(from, to - RECENT_DAYS + 1);
    const recent = series.slice(recentFrom - from);
    const recentAvg = recent.reduce((s, mb) => s + mb, 0) / recent.length;
    const before = history.slice(0, Math.min(recentFrom, DATASET_DAYS));
    const baseline =
      before.length >= RECENT_DAYS ? before.reduce((s, mb) => s + mb, 0) / before.length : null;
    const customer = view.customer(sub.customerId);
    const sourceOf = (d: number) =>
      d >= DATASET_DAYS ? 'live' : liveByDay.has(d) ? 'history+live' : 'history';
    return {
      subscriptionId: sub.id,
      customerId: sub.customerId,
      window: {
        start: view.dayDate(from),
        end: view.dayDate(to),
        days: series.length,
        ...(from !== askedFrom || to !== askedTo
          ? { note: `clamped to the data (${view.start}..${view.dayDate(last)})` }
          : {}),
      },
      totalMb: total,
      totalGb: Math.round((total / 1024) * 10) / 10,
      avgDailyMb: Math.round(total / series.length),
      peakDay: { date: view.dayDate(from + peak.i), mb: peak.mb, source: sourceOf(from + peak.i) },
      recent: { from: view.dayDate(recentFrom), days: recent.length, avgDailyMb: Math.round(recentAvg) },
      baselineAvgDailyMb: baseline === null ? null : Math.round(baseline),
      recentVsBaselineRatio: baseline === null ? null : ratio(recentAvg, baseline),
      peakVsBaselineRatio: baseline === null ? null : ratio(peak.mb, baseline),
      daysOver4xBaseline: baseline === null ? null : series.filter((mb) => mb > 4 * baseline).length,
      dataCapGb: sub.dataCapGb,
      ...(sub.line === 'primary' && customer
        ? { profileAvgDailyMb: Math.round(customer.avgDailyDataGb * 1024) }
        : {}),
      live: {
        reports: live.length,
        totalMb: Math.round(live.reduce((s, e) => s + (e.event.type === 'data_usage' ? e.event.mb : 0), 0)),
        latest: live
          .slice(-LIVE_LIST)
          .reverse()
          .map((e) => {
            const u = e.event.type === 'data_usage' ? e.event : undefined;
            return {
              id: e.id,
              ts: new Date(e.t).toISOString(),
              source: 'live' as const,
              mb: u?.mb ?? 0,
              vsBaseline: baseline ? ratio(u?.mb ?? 0, baseline) : null,
              ...(u?.device ? { device: u.device } : {}),
              ...(u?.country ? { country: u.country } : {}),
            };
          }),
      },
      ...(aggregate === 'weekly' ? { weekly: weekly(series, from, view.dayDate) } : {}),
      ...(aggregate === 'daily'
        ? {
            daily: series.map((mb, i) => ({
              date: view.dayDate(from + i),
              mb,
              source: sourceOf(from + i),
              ...(liveByDay.has(from + i) ? { liveMb: Math.round(liveByDay.get(from + i)!) } : {}),
            })),
          }
        : {}),
    };
  },
});

function weekly(
  days: number[],
  from: number,
  dayDate: (i: number) => string,
): { weekStart: string; days: number; totalMb: number }[] {
  const weeks: { weekStart: string; days: number; totalMb: number }[] = [];
  for (let i = 0; i < days.length; i += 7) {
    const chunk = days.slice(i, i + 7);
    weeks.push({
      weekStart: dayDate(from + i),
      days: chunk.length,
      totalMb: chunk.reduce((s, mb) => s + mb, 0),
    });
  }
  return weeks;
}
