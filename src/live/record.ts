import type { Config } from '../config';
import type { TelemetryEvent } from '../detection/schema';
import { eventTimeMs } from '../detection/time';

/**
 * The live account record: every accepted telemetry event of one customer, kept where investigations
 * read it (the `accountActivity` entity, key = customer id). Pure functions over a plain, versioned state.
 *
 * Bounded three ways, all settings (src/config.ts): a retention window (events older than the newest
 * event minus `retentionDays` go), a count cap and a byte cap (entity state and every durable payload are
 * capped at 1 MB by the Durable Task Scheduler, which offloads nothing for JavaScript). When a cap bites,
 * the high-volume, low-information kinds go first (API calls and usage reports while they are at least half
 * of the record), then the oldest events of any kind; what went is counted per type, never silently.
 *
 * Ordering: ascending by event time; events with equal times keep their arrival order. Late events slot in
 * by time. Retention is judged against event time, never a clock, so the state is a pure function of the
 * events appended.
 *
 * Dedup: an event's id is derived from its content and its position among identical events of the same
 * append, so a redelivered batch adds nothing while repeated identical events within one batch are kept.
 */
export const LIVE_RECORD_SCHEMA_VERSION = 1;

export interface LiveRecordBounds {
  retentionDays: number;
  maxEvents: number;
  maxBytes: number;
}

export const DEFAULT_LIVE_RECORD_BOUNDS: LiveRecordBounds = {
  retentionDays: 30,
  maxEvents: 2_000,
  maxBytes: 400_000,
};

/** One kept event: its content id, its time (epoch ms) and the telemetry event as accepted. */
export interface LiveEvent {
  id: string;
  t: number;
  event: TelemetryEvent;
}

export interface LiveRecordState {
  schemaVersion: typeof LIVE_RECORD_SCHEMA_VERSION;
  customerId: string;
  /** Ascending by `t`. */
  events: LiveEvent[];
  /** Newest event time ever appended (retention is measured from it). */
  latestMs: number | null;
  /** Events appended in total, and those dropped since, per reason and type. */
  appended: number;
  duplicates: number;
  expired: Partial<Record<TelemetryEvent['type'], number>>;
  evicted: Partial<Record<TelemetryEvent['type'], number>>;
}

export function emptyLiveRecord(customerId: string): LiveRecordState {
  return {
    schemaVersion: LIVE_RECORD_SCHEMA_VERSION,
    customerId,
    events: [],
    latestMs: null,
    appended: 0,
    duplicates: 0,
    expired: {},
    evicted: {},
  };
}

export class LiveRecordStateError extends Error {
  override name = 'LiveRecordStateError';
}

/** Reads persisted state: nothing stored → empty; this version → as is; anything else throws saying what. */
export function loadLiveRecord(raw: unknown, customerId: string): LiveRecordState {
  if (raw === undefined || raw === null) return emptyLiveRecord(customerId);
  const s = raw as Partial<LiveRecordState>;
  if (s.schemaVersion !== LIVE_RECORD_SCHEMA_VERSION || !Array.isArray(s.events))
    throw new LiveRecordStateError(
      `accountActivity ${customerId}: unsupported state (schemaVersion ${JSON.stringify(s.schemaVersion)}); this build reads ${LIVE_RECORD_SCHEMA_VERSION}.`,
    );
  return { ...emptyLiveRecord(customerId), ...s, customerId } as LiveRecordState;
}

export interface AppendResult {
  state: LiveRecordState;
  added: number;
  duplicates: number;
}

const DAY_MS = 86_400_000;

/** Adds a batch of one customer's accepted events; returns the bounded state. */
export function appendEvents(
  state: LiveRecordState,
  batch: readonly TelemetryEvent[],
  bounds: LiveRecordBounds = DEFAULT_LIVE_RECORD_BOUNDS,
): AppendResult {
  const known = new Set(state.events.map((e) => e.id));
  const occurrences = new Map<string, number>();
  const fresh: LiveEvent[] = [];
  let duplicates = 0;
  for (const event of batch) {
    if (event.customerId !== state.customerId) continue;
    const t = eventTimeMs(event.timestamp);
    if (!Number.isFinite(t)) continue;
    const content = contentId(event, t);
    const k = occurrences.get(content) ?? 0;
    occurrences.set(content, k + 1);
    const id = `${content}-${k}`;
    if (known.has(id)) {
      duplicates++;
      continue;
    }
    known.add(id);
    fresh.push({ id, t, event });
  }
  if (fresh.length === 0 && duplicates === 0) return { state, added: 0, duplicates: 0 };

  let events = mergeByTime(state.events, fresh);
  let latestMs = state.latestMs;
  for (const e of fresh) if (latestMs === null || e.t > latestMs) latestMs = e.t;
  const expired = { ...state.expired };
  if (latestMs !== null) {
    const horizon = latestMs - bounds.retentionDays * DAY_MS;
    let cut = 0;
    while (cut < events.length && events[cut]!.t < horizon) count(expired, events[cut++]!);
    if (cut > 0) events = events.slice(cut);
  }
  const evicted = { ...state.evicted };
  events = enforceCaps(events, bounds, evicted);
  const kept = new Set(events.map((e) => e.id));
  return {
    state: {
      ...state,
      events,
      latestMs,
      appended: state.appended + fresh.length,
      duplicates: state.duplicates + duplicates,
      expired,
      evicted,
    },
    added: fresh.filter((e) => kept.has(e.id)).length,
    duplicates,
  };
}

export interface LiveQuery {
  /** Only events at or before this instant (the investigation's "now"). */
  asOfMs?: number;
  /** Only events at or after this instant. */
  sinceMs?: number;
  /** Only events strictly before this instant (paging backwards). */
  beforeMs?: number;
  types?: readonly TelemetryEvent['type'][];
}

/** The kept events matching a query, ascending by time. */
export function liveEvents(state: LiveRecordState | undefined, q: LiveQuery = {}): LiveEvent[] {
  if (!state) return [];
  return state.events.filter(
    (e) =>
      (q.asOfMs === undefined || e.t <= q.asOfMs) &&
      (q.sinceMs === undefined || e.t >= q.sinceMs) &&
      (q.beforeMs === undefined || e.t < q.beforeMs) &&
      (q.types === undefined || q.types.includes(e.event.type)),
  );
}

export function recordBytes(state: LiveRecordState): number {
  return Buffer.byteLength(JSON.stringify(state), 'utf8');
}

/** Kinds that arrive in volume and say little one by one: evicted first while they dominate the record. */
const BULK: ReadonlySet<TelemetryEvent['type']> = new Set(['api_call', 'data_usage']);

function enforceCaps(
  events: LiveEvent[],
  bounds: LiveRecordBounds,
  evicted: LiveRecordState['evicted'],
): LiveEvent[] {
  // Room for the state's own fields (counters, ids) beside the events.
  const budget = bounds.maxBytes - 2_000;
  const sizes = events.map(eventBytes);
  let bytes = sizes.reduce((s, b) => s + b + 1, 0);
  let n = events.length;
  if (n <= bounds.maxEvents && bytes <= budget) return events;
  const drop = new Uint8Array(events.length);
  let bulk = events.reduce((c, e) => c + (BULK.has(e.event.type) ? 1 : 0), 0);
  let nextBulk = 0;
  let nextAny = 0;
  while (n > 0 && (n > bounds.maxEvents || bytes > budget)) {
    let i: number;
    if (bulk * 2 >= n) {
      while (drop[nextBulk] || !BULK.has(events[nextBulk]!.event.type)) nextBulk++;
      i = nextBulk;
    } else {
      while (drop[nextAny]) nextAny++;
      i = nextAny;
    }
    drop[i] = 1;
    n--;
    bytes -= sizes[i]! + 1;
    if (BULK.has(events[i]!.event.type)) bulk--;
    count(evicted, events[i]!);
  }
  return events.filter((_, i) => !drop[i]);
}

function count(tally: Partial<Record<TelemetryEvent['type'], number>>, e: LiveEvent): void {
  tally[e.event.type] = (tally[e.event.type] ?? 0) + 1;
}

function eventBytes(e: LiveEvent): number {
  return Buffer.byteLength(JSON.stringify(e), 'utf8');
}

/** Stable merge of two time-sorted lists; on equal times the existing events come first. */
function mergeByTime(existing: readonly LiveEvent[], fresh: LiveEvent[]): LiveEvent[] {
  const incoming = fresh.map((e, i) => ({ e, i })).sort((a, b) => a.e.t - b.e.t || a.i - b.i);
  const out: LiveEvent[] = [];
  let j = 0;
  for (const e of existing) {
    while (j < incoming.length && incoming[j]!.e.t < e.t) out.push(incoming[j++]!.e);
    out.push(e);
  }
  while (j < incoming.length) out.push(incoming[j++]!.e);
  return out;
}

/** `L` + 64-bit FNV-1a of the event's fields in a fixed order (offsets normalised to the UTC instant). */
function contentId(event: TelemetryEvent, t: number): string {
  const { timestamp: _timestamp, ...rest } = event;
  const keys = Object.keys(rest).sort();
  const text = `${t}|${keys.map((k) => `${k}=${String((rest as Record<string, unknown>)[k])}`).join('|')}`;
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) >>> 0;
  }
  return `L${h1.toString(16).padStart(8, '0')}${h2.toString(16).padStart(8, '0')}`;
}

/** The record's bounds from the app settings (read once at the edge, passed in). */
export function liveRecordBoundsFrom(
  cfg: Pick<Config, 'LIVE_RECORD_RETENTION_DAYS' | 'LIVE_RECORD_MAX_EVENTS' | 'LIVE_RECORD_MAX_BYTES'>,
): LiveRecordBounds {
  return {
    retentionDays: cfg.LIVE_RECORD_RETENTION_DAYS,
    maxEvents: cfg.LIVE_RECORD_MAX_EVENTS,
    maxBytes: cfg.LIVE_RECORD_MAX_BYTES,
  };
}
