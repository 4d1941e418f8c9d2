/**
 * Sorted-time helpers for the sliding-window rules. Lists are ascending epoch milliseconds and tiny
 * (capped), so linear scans beat anything cleverer. This runs once per event on the rules' hot path.
 */

/**
 * A copy of `times` with `t` inserted in order, times before `horizonStart` dropped, and only the newest
 * `cap` kept.
 */
export function insertTime(times: readonly number[], t: number, horizonStart: number, cap: number): number[] {
  let start = 0;
  while (start < times.length && times[start]! < horizonStart) start++;
  let at = times.length;
  while (at > start && times[at - 1]! > t) at--;
  // Kept separate from insertSorted: a number-only copy stays monomorphic (unboxed doubles) and fast.
  const drop = Math.max(0, times.length - start + 1 - cap);
  if (at - start < drop) return times.slice(start + drop - 1);
  const from = start + drop;
  const out = new Array<number>(times.length - from + 1);
  let k = 0;
  for (let i = from; i < at; i++) out[k++] = times[i]!;
  out[k++] = t;
  for (let i = at; i < times.length; i++) out[k++] = times[i]!;
  return out;
}

/**
 * `items[from..]` with `item` inserted before index `at` (from ≤ at ≤ length), keeping the newest `cap`,
 * as a new array. An item that would be the oldest of an overfull list is the one dropped.
 */
export function insertSorted<T>(items: readonly T[], from: number, at: number, item: T, cap: number): T[] {
  const drop = Math.max(0, items.length - from + 1 - cap);
  if (at - from < drop) return items.slice(from + drop - 1);
  const out: T[] = [];
  for (let i = from + drop; i < at; i++) out.push(items[i]!);
  out.push(item);
  for (let i = at; i < items.length; i++) out.push(items[i]!);
  return out;
}

/**
 * The most times inside any window [s, s + widthMs] (both ends inclusive) that contains `t`.
 * In order (t newest) this is simply the count in [t − width, t]; for a late `t` it also finds a burst
 * that `t` completes together with newer events.
 */
export function maxCountAround(times: readonly number[], t: number, widthMs: number): number {
  let best = 0;
  let j = 0;
  for (let i = 0; i < times.length; i++) {
    const s = times[i]!;
    if (s < t - widthMs) continue;
    if (s > t) break;
    if (j < i) j = i;
    while (j + 1 < times.length && times[j + 1]! <= s + widthMs) j++;
    const count = j - i + 1;
    if (count > best) best = count;
  }
  return best;
}
