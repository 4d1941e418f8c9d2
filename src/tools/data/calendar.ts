/**
 * The dataset's fixed calendar. Day 0 is 2026-01-01 and the data ends on day 89 (2026-03-31), the
 * dataset's "as of" date. Nothing here reads the clock: windows are always explicit.
 */
export const DATASET_START = '2026-01-01';
export const DATASET_DAYS = 90;
export const DATASET_END = '2026-03-31';

const DAY_MS = 86_400_000;
const START_MS = Date.UTC(2026, 0, 1);

/** 'YYYY-MM-DD' of dataset day `index` (may be negative or past the end, for signup dates). */
export function dayDate(index: number): string {
  return new Date(START_MS + index * DAY_MS).toISOString().slice(0, 10);
}

/** ISO timestamp (seconds precision, Z) of a minute within dataset day `index`. */
export function timestamp(index: number, minuteOfDay: number): string {
  return new Date(START_MS + index * DAY_MS + minuteOfDay * 60_000).toISOString().replace('.000Z', 'Z');
}

/** Dataset day index of a 'YYYY-MM-DD' date or ISO timestamp (fractional part dropped), or null if unparsable. */
export function dayIndex(dateOrTimestamp: string): number | null {
  const ms = Date.parse(dateOrTimestamp.length === 10 ? `${dateOrTimestamp}T00:00:00Z` : dateOrTimestamp);
  if (Number.isNaN(ms)) return null;
  return Math.floor((ms - START_MS) / DAY_MS);
}

/** Milliseconds since the epoch of an ISO date or timestamp, or null. A bare date means its midnight UTC. */
export function parseInstant(value: string): number | null {
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  return Number.isNaN(ms) ? null : ms;
}
