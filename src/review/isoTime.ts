/**
 * ISO-8601 ⇄ epoch milliseconds by arithmetic alone, so the review policy (imported by orchestrators)
 * stays free of the `Date` global. Proleptic Gregorian calendar, UTC output.
 */
import { civilFromDays, DAY_MS, daysFromCivil, daysInMonth } from '../shared/civil';

const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** Epoch ms of an ISO date-time with `Z` or an offset; NaN when it is not one. */
export function parseIsoMs(iso: string): number {
  const m = ISO.exec(iso);
  if (!m) return Number.NaN;
  const [y, mo, d, h, mi] = [1, 2, 3, 4, 5].map((i) => Number(m[i]));
  const sec = Number(m[6] ?? 0);
  const ms = Number(((m[7] ?? '') + '000').slice(0, 3));
  if (mo! < 1 || mo! > 12 || d! < 1 || d! > daysInMonth(y!, mo!) || h! > 23 || mi! > 59 || sec > 59)
    return Number.NaN;
  let offsetMin = 0;
  const zone = m[8]!;
  if (zone.toUpperCase() !== 'Z') {
    const digits = zone.replace(':', '');
    offsetMin = (zone[0] === '-' ? -1 : 1) * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)));
  }
  return daysFromCivil(y!, mo!, d!) * DAY_MS + ((h! * 60 + mi! - offsetMin) * 60 + sec) * 1000 + ms;
}

/** `YYYY-MM-DDTHH:mm:ss.sssZ`, the same text `Date.prototype.toISOString` gives. */
export function formatIsoMs(ms: number): string {
  if (!Number.isFinite(ms)) throw new RangeError(`not a time: ${ms}`);
  const days = Math.floor(ms / DAY_MS);
  let rest = ms - days * DAY_MS;
  const [y, mo, d] = civilFromDays(days);
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const mi = Math.floor(rest / 60_000);
  rest -= mi * 60_000;
  const s = Math.floor(rest / 1000);
  const milli = Math.round(rest - s * 1000);
  return `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}.${pad(milli, 3)}Z`;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');
