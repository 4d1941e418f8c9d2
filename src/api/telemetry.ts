import { z } from 'zod';
import { TelemetryEvent } from '../detection/schema';
import { IngestOutput, type IngestInput } from '../durable/activities';
import { badRequest, tooLarge, zodFieldErrors, type FieldError } from './errors';
import { ingestInstanceId } from './ids';

/** The body of POST /api/telemetry. */
export const TelemetryBatch = z.strictObject({
  events: z.array(TelemetryEvent).min(1),
});
export type TelemetryBatch = z.infer<typeof TelemetryBatch>;

/**
 * Validates a batch: shape first (so the count limit is checked before any per-event work), then every
 * event; all field errors are reported together and nothing is accepted when any event is bad.
 */
/** Events further in the future than this are refused: one such event would anchor the rules' windows. */
export const MAX_CLOCK_SKEW_MS = 24 * 3_600_000;

export function parseTelemetryBatch(body: unknown, maxEvents: number, nowMs = Date.now()): TelemetryEvent[] {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest('expected a JSON object {"events": [...]}', [
      { path: '(body)', message: 'expected object' },
    ]);
  }
  const events = (body as { events?: unknown }).events;
  if (Array.isArray(events) && events.length > maxEvents) {
    throw tooLarge(`batch of ${events.length} events exceeds the limit of ${maxEvents} events`, {
      limit: maxEvents,
      count: events.length,
    });
  }
  const parsed = TelemetryBatch.safeParse(body);
  if (!parsed.success) {
    const details = zodFieldErrors(parsed.error);
    throw badRequest(describe(details), details);
  }
  const future = parsed.data.events.flatMap((e, i) =>
    Date.parse(e.timestamp) > nowMs + MAX_CLOCK_SKEW_MS
      ? [{ path: `events[${i}].timestamp`, message: 'more than 24 h in the future' }]
      : [],
  );
  if (future.length) throw badRequest(describe(future), future);
  return parsed.data.events;
}

function describe(details: FieldError[]): string {
  const first = details[0];
  if (!first) return 'invalid telemetry batch; nothing was ingested';
  const more = details.length > 1 ? ` (and ${details.length - 1} more)` : '';
  return `invalid telemetry batch: ${first.path}: ${first.message}${more}; nothing was ingested`;
}

export interface IngestPlan {
  instanceId: string;
  input: IngestInput;
}

/** Groups by customer (first-seen order, events kept in batch order) and names each group's instance. */
export function planIngest(events: readonly TelemetryEvent[], receivedAt: string): IngestPlan[] {
  const groups = new Map<string, TelemetryEvent[]>();
  for (const e of events) {
    const list = groups.get(e.customerId);
    if (list) list.push(e);
    else groups.set(e.customerId, [e]);
  }
  return [...groups].map(([customerId, list]) => ({
    instanceId: ingestInstanceId(customerId, list),
    input: { customerId, events: list, receivedAt },
  }));
}

export interface AlertView {
  alertId: string;
  rule: string;
  severity: string;
  customerId: string;
  caseId?: string;
  attachedTo?: string;
}

/** An ingest's output → the alerts the API reports (each with the case it opened or joined). */
export function alertsOf(output: unknown): AlertView[] {
  const parsed = IngestOutput.safeParse(output);
  if (!parsed.success) return [];
  const { alerts, caseId, attachedToCaseId } = parsed.data;
  const target = caseId ?? attachedToCaseId;
  return alerts.map((a) => ({
    alertId: a.alertId,
    rule: a.rule,
    severity: a.severity,
    customerId: a.customerId,
    ...(target ? { caseId: target } : {}),
    ...(attachedToCaseId ? { attachedTo: attachedToCaseId } : {}),
  }));
}

export interface TelemetryAccepted {
  accepted: number;
  customers: number;
  flagged: number;
  alerts: AlertView[];
  ingestInstanceIds: string[];
  /** Ingest instances that had not finished within the wait; their alerts arrive on the stream. */
  pending: string[];
  /** Ingest instances that failed (their events may need resending). */
  failed: string[];
}

export function telemetryAccepted(
  eventCount: number,
  plans: readonly IngestPlan[],
  finished: ReadonlyMap<string, { runtimeStatus: string; output?: unknown }>,
): TelemetryAccepted {
  const alerts: AlertView[] = [];
  const pending: string[] = [];
  const failed: string[] = [];
  for (const p of plans) {
    const s = finished.get(p.instanceId);
    if (!s) pending.push(p.instanceId);
    else if (s.runtimeStatus === 'Completed') alerts.push(...alertsOf(s.output));
    else failed.push(p.instanceId);
  }
  return {
    accepted: eventCount,
    customers: plans.length,
    flagged: alerts.length,
    alerts,
    ingestInstanceIds: plans.map((p) => p.instanceId),
    pending,
    failed,
  };
}

/** What the stream carries for one customer's slice of a batch: a summary, not the whole payload. */
export function telemetryBusEvent(plan: IngestPlan, maxEvents = 20) {
  const counts: Record<string, number> = {};
  for (const e of plan.input.events) counts[e.type] = (counts[e.type] ?? 0) + 1;
  return {
    customerId: plan.input.customerId,
    count: plan.input.events.length,
    counts,
    receivedAt: plan.input.receivedAt,
    ingestInstanceId: plan.instanceId,
    events: plan.input.events.slice(0, maxEvents),
    truncated: plan.input.events.length > maxEvents,
  };
}
