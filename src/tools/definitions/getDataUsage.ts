import { z } from 'zod';
import { DATASET_DAYS, DATASET_END, DATASET_START, dayDate, dayIndex } from '../data/calendar.js';
import { customerById, subscriptionById, subscriptionsOf, usageOf } from '../data/dataset.js';
import { defineTool, ratio } from '../define.js';
import { ToolError } from '../errors.js';
import { dateArg } from './common.js';

export const GetDataUsageInput = z.object({
  subscription_id: z
    .string()
    .min(1)
    .max(60)
    .describe('Subscription id, e.g. "SUB-C001-1" (see get_subscription_detail).'),
  start_date: dateArg('First day of the window'),
  end_date: dateArg('Last day of the window, inclusive'),
  aggregate: z
    .enum(['total', 'weekly', 'daily'])
    .default('total')
    .describe('"total" = summary only (default); "weekly" adds weekly totals; "daily" adds every day.'),
});
export type GetDataUsageInput = z.infer<typeof GetDataUsageInput>;

/** Days the "recent" figure covers: the end of the window, compared with the baseline before it. */
export const RECENT_DAYS = 7;

export const getDataUsage = defineTool({
  name: 'get_data_usage',
  description:
    `Daily mobile data (MB) of one subscription in a date window (data covers ${DATASET_START}..${DATASET_END}). ` +
    `Returns totals, the peak day, the average of the last ${RECENT_DAYS} days of the window against the baseline ` +
    '(average of all earlier days in the dataset), the days above 4x baseline, and optional weekly/daily series.',
  input: GetDataUsageInput,
  handler: async ({ subscription_id, start_date, end_date, aggregate }) => {
    const sub = subscriptionById(subscription_id);
    if (!sub) {
      const asCustomer = customerById(subscription_id);
      const hint = asCustomer
        ? `"${subscription_id}" is a customer id; its subscriptions are ${subscriptionsOf(asCustomer.id)
            .map((s) => s.id)
            .join(', ')}`
        : 'ids look like SUB-C001-1; get_subscription_detail lists them';
      throw new ToolError(`subscription "${subscription_id}" not found; ${hint}`, 'not_found');
    }
    const series = usageOf(sub.id) ?? [];
    const askedFrom = dayIndex(start_date) ?? 0;
    const askedTo = dayIndex(end_date) ?? 0;
    if (askedFrom > askedTo) throw new ToolError(`start_date ${start_date} is after end_date ${end_date}`);
    const from = Math.max(0, askedFrom);
    const to = Math.min(DATASET_DAYS - 1, askedTo);
    if (from > to) {
      throw new ToolError(
        `no usage data between ${start_date} and ${end_date}; data covers ${DATASET_START}..${DATASET_END}`,
      );
    }
    const days = series.slice(from, to + 1);
    const total = days.reduce((s, mb) => s + mb, 0);
    const peak = days.reduce((best, mb, i) => (mb > best.mb ? { i, mb } : best), { i: 0, mb: -1 });
    const recentFrom = Math.max(from, to - RECENT_DAYS + 1);
    const recent = series.slice(recentFrom, to + 1);
    const recentAvg = recent.reduce((s, mb) => s + mb, 0) / recent.length;
    const before = series.slice(0, recentFrom);
    const baseline =
      before.length >= RECENT_DAYS ? before.reduce((s, mb) => s + mb, 0) / before.length : null;
    const customer = customerById(sub.customerId);
    return {
      subscriptionId: sub.id,
      customerId: sub.customerId,
      window: {
        start: dayDate(from),
        end: dayDate(to),
        days: days.length,
        ...(from !== askedFrom || to !== askedTo
          ? { note: `clamped to the data (${DATASET_START}..${DATASET_END})` }
          : {}),
      },
      totalMb: total,
      totalGb: Math.round((total / 1024) * 10) / 10,
      avgDailyMb: Math.round(total / days.length),
      peakDay: { date: dayDate(from + peak.i), mb: peak.mb },
      recent: { from: dayDate(recentFrom), days: recent.length, avgDailyMb: Math.round(recentAvg) },
      baselineAvgDailyMb: baseline === null ? null : Math.round(baseline),
      recentVsBaselineRatio: baseline === null ? null : ratio(recentAvg, baseline),
      peakVsBaselineRatio: baseline === null ? null : ratio(peak.mb, baseline),
      daysOver4xBaseline: baseline === null ? null : days.filter((mb) => mb > 4 * baseline).length,
      dataCapGb: sub.dataCapGb,
      ...(sub.line === 'primary' && customer
        ? { profileAvgDailyMb: Math.round(customer.avgDailyDataGb * 1024) }
        : {}),
      ...(aggregate === 'weekly' ? { weekly: weekly(days, from) } : {}),
      ...(aggregate === 'daily' ? { daily: days.map((mb, i) => ({ date: dayDate(from + i), mb })) } : {}),
    };
  },
});

function weekly(days: number[], from: number): { weekStart: string; days: number; totalMb: number }[] {
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
