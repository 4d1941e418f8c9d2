import { z } from 'zod';
import { defineTool } from '../define.js';
import { accountTimeline, liveOf, TIMELINE_TYPES, type TimelineType } from '../timeline.js';
import { customerIdArg, instantArg, parseInstantArg, requireCustomer, viewOf } from './common.js';

export const GetAccountTimelineInput = z.object({
  customer_id: customerIdArg,
  since: instantArg('Only items at or after this ISO date/timestamp.').optional(),
  before: instantArg(
    'Only items strictly before this ISO timestamp (to page back: pass the previous nextBefore).',
  ).optional(),
  types: z
    .string()
    .max(200)
    .refine((s) => parseTypes(s) !== null, `a comma-separated list of: ${TIMELINE_TYPES.join(', ')}`)
    .optional()
    .describe(`Only these kinds of item, comma-separated (default: all): ${TIMELINE_TYPES.join(', ')}.`),
  source: z
    .enum(['history', 'live'])
    .optional()
    .describe('Only the shipped history or only the live events.'),
  limit: z.number().int().min(1).max(200).default(30).describe('How many items, newest first (default 30).'),
});
export type GetAccountTimelineInput = z.infer<typeof GetAccountTimelineInput>;

export const getAccountTimeline = defineTool({
  name: 'get_account_timeline',
  description:
    "Everything on a customer's account on one timeline, newest first: the 90-day history (logins, account changes, " +
    'card payments, orders, daily data and API use) and the live telemetry received since, each item marked by ' +
    'source ("history" or "live") and with its id. Filter by kind, source and time; page back with `before`.',
  input: GetAccountTimelineInput,
  handler: async ({ customer_id, since, before, types, source, limit }, ctx) => {
    const c = requireCustomer(customer_id, viewOf(ctx));
    const sinceMs = since === undefined ? undefined : (parseInstantArg(since) ?? undefined);
    const beforeMs = before === undefined ? undefined : (parseInstantArg(before) ?? undefined);
    const all = accountTimeline(c.id, ctx, {
      ...(sinceMs !== undefined ? { sinceMs } : {}),
      ...(beforeMs !== undefined ? { beforeMs } : {}),
      ...(types ? { types: parseTypes(types) ?? [] } : {}),
      ...(source ? { sources: [source] } : {}),
    });
    const items = all.slice(-limit).reverse();
    const live = liveOf(ctx, c.id);
    return {
      customerId: c.id,
      asOf: ctx.asOf ?? null,
      items,
      ...(all.length > limit ? { nextBefore: items.at(-1)!.at } : {}),
      liveRecord: {
        read: live !== undefined,
        events: live?.events.length ?? 0,
        ...(live?.dropped && Object.keys(live.dropped).length ? { notKept: live.dropped } : {}),
      },
    };
  },
});

/** "login, transaction" → the timeline types, or null when any name is unknown. */
export function parseTypes(text: string): TimelineType[] | null {
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return names.every((n) => (TIMELINE_TYPES as readonly string[]).includes(n))
    ? (names as TimelineType[])
    : null;
}
