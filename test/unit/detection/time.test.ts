import { describe, expect, it } from 'vitest';
import { compactUtc, eventTimeMs } from '../../../src/detection/time';
import { insertSorted, insertTime, maxCountAround } from '../../../src/detection/windows';

describe('eventTimeMs', () => {
  it('reads the canonical UTC form exactly like Date.parse across four centuries', () => {
    for (let ms = Date.UTC(1900, 0, 1); ms < Date.UTC(2300, 0, 1); ms += 3_333_333_333) {
      const iso = new Date(ms).toISOString();
      expect(eventTimeMs(iso)).toBe(ms);
      expect(compactUtc(ms)).toBe(iso.replace(/[-:.]/g, ''));
    }
  });

  it.each([
    '2028-02-29T23:59:59.999Z',
    '2026-12-31T00:00:00.000Z',
    '2026-01-01T14:00:00+02:00',
    '2026-01-01T12:00:00Z',
    '2026-01-01T12:00:00.5Z',
    '2026-02-29T00:00:00.000Z',
    '2026-13-01T00:00:00.000Z',
    '2026-01-01T12:00:0x.000Z',
    'not a date',
  ])('agrees with Date.parse on %s', (iso) => {
    expect(eventTimeMs(iso)).toBe(Date.parse(iso));
  });
});

describe('window lists', () => {
  it.each([
    { times: [1, 2, 3], t: 4, horizon: 0, cap: 10, out: [1, 2, 3, 4] },
    { times: [1, 2, 3], t: 4, horizon: 2, cap: 10, out: [2, 3, 4] },
    { times: [1, 2, 3], t: 4, horizon: 0, cap: 3, out: [2, 3, 4] },
    { times: [1, 3, 5], t: 2, horizon: 0, cap: 10, out: [1, 2, 3, 5] },
    { times: [1, 3, 5], t: 2, horizon: 0, cap: 3, out: [2, 3, 5] },
    { times: [2, 3, 5], t: 1, horizon: 0, cap: 3, out: [2, 3, 5] },
    { times: [], t: 7, horizon: 0, cap: 3, out: [7] },
  ])('insertTime($times, $t, horizon $horizon, cap $cap) → $out', ({ times, t, horizon, cap, out }) => {
    expect(insertTime(times, t, horizon, cap)).toEqual(out);
  });

  it('keeps the newest logins and drops an older late arrival from a full list', () => {
    expect(insertSorted(['b', 'c', 'd'], 0, 0, 'a', 3)).toEqual(['b', 'c', 'd']);
    expect(insertSorted(['a', 'c', 'd'], 0, 1, 'b', 3)).toEqual(['b', 'c', 'd']);
    expect(insertSorted(['a', 'b', 'c'], 0, 3, 'd', 3)).toEqual(['b', 'c', 'd']);
  });

  it.each([
    { times: [0, 150, 300], t: 300, width: 300, count: 3 },
    { times: [0, 150, 301], t: 301, width: 300, count: 2 },
    { times: [0, 50, 100], t: 50, width: 100, count: 3 },
    { times: [0, 50, 200, 250], t: 50, width: 100, count: 2 },
    { times: [0, 100, 150, 200], t: 100, width: 100, count: 3 },
  ])('maxCountAround($times, $t, $width) → $count', ({ times, t, width, count }) => {
    expect(maxCountAround(times, t, width)).toBe(count);
  });
});
