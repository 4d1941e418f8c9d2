import { z } from 'zod';
import type { LiveRecordState } from '../live/record';
import { accountTimeline, type TimelineItem, type TimelineType } from '../tools/index';
import { TIMELINE_TYPES } from '../tools/timeline';
import { badRequest, notFound, zodFieldErrors } from './errors';

/**
 * GET /api/customers/{customerId}/activity: the customer's account on one timeline, newest first — the
 * shipped history anchored to now and the live events from the live account record, each item with its
 * id and source. The same merge the investigation tools and the MCP tools read (src/tools/timeline.ts).
 */
export const ActivityQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.iso.datetime({ offset: true }).optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  types: z
    .string()
    .refine(
      (s) => s.split(',').every((t) => (TIMELINE_TYPES as readonly string[]).includes(t.trim())),
      `a comma-separated list of: ${TIMELINE_TYPES.join(', ')}`,
    )
    .optional(),
  source: z.enum(['history', 'live']).optional(),
});
export type ActivityQuery = z.infer<typeof ActivityQuery>;

export const CustomerIdParam = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ or -, 1 to 64 characters');

export function parseActivityQuery(query: URLSearchParams): ActivityQuery {
  const raw: Record<string, string> = {};
  for (const [k, v] of query) {
    if (k === 'code') continue;
    if (k in raw)
      throw badRequest(`query parameter '${k}' given more than once`, [
        { path: k, message: 'given more than once' },
      ]);
    raw[k] = v;
  }
  const parsed = ActivityQuery.safeParse(raw);
  if (!parsed.success) {
    const details = zodFieldErrors(parsed.error);
    throw badRequest(`invalid query: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`, details);
  }
  return parsed.data;
}

export interface CustomerActivity {
  customerId: string;
  asOf: string;
  items: TimelineItem[];
  /** Pass as `before` for the next (older) page; absent on the last page. */
  nextBefore?: string;
  liveRecord: {
    events: number;
    appended: number;
    duplicates: number;
    /** Events the record no longer holds: older than the retention window, or pushed out by the caps. */
    expired: Record<string, number>;
    evicted: Record<string, number>;
  };
}

/** The page of the timeline a query asks for; 404 for a customer with neither history nor live events. */
export function customerActivity(
  customerId: string,
  q: ActivityQuery,
  record: LiveRecordState | undefined,
  nowIso: string,
  knownCustomer: boolean,
): CustomerActivity {
  if (!knownCustomer && !record) throw notFound(`no customer '${customerId}': no history and no live events`);
  const all = accountTimeline(
    customerId,
    { asOf: nowIso, ...(record ? { live: { customerId: record.customerId, events: record.events } } : {}) },
    {
      ...(q.before ? { beforeMs: Date.parse(q.before) } : {}),
      ...(q.since ? { sinceMs: Date.parse(q.since) } : {}),
      ...(q.types ? { types: q.types.split(',').map((t) => t.trim() as TimelineType) } : {}),
      ...(q.source ? { sources: [q.source] } : {}),
    },
  );
  const items = all.slice(-q.limit).reverse();
  return {
    customerId,
    asOf: nowIso,
    items,
    ...(all.length > q.limit ? { nextBefore: items.at(-1)!.at } : {}),
    liveRecord: {
      events: record?.events.length ?? 0,
      appended: record?.appended ?? 0,
      duplicates: record?.duplicates ?? 0,
      expired: { ...(record?.expired ?? {}) } as Record<string, number>,
      evicted: { ...(record?.evicted ?? {}) } as Record<string, number>,
    },
  };
}
