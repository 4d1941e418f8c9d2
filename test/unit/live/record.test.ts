import { describe, expect, it } from 'vitest';
import type { TelemetryEvent } from '../../../src/detection/schema';
import {
  appendEvents,
  emptyLiveRecord,
  liveEvents,
  loadLiveRecord,
  recordBytes,
  type LiveRecordBounds,
} from '../../../src/live/record';

const T0 = Date.parse('2026-03-01T00:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const login = (minutes: number, country = 'US'): TelemetryEvent => ({
  type: 'login',
  customerId: 'C001',
  timestamp: at(minutes),
  country,
  ip: '10.0.0.1',
  success: true,
});
const call = (minutes: number, endpoint = '/v1/balance'): TelemetryEvent => ({
  type: 'api_call',
  customerId: 'C001',
  timestamp: at(minutes),
  endpoint,
});
const wide: LiveRecordBounds = { retentionDays: 30, maxEvents: 10_000, maxBytes: 900_000 };

describe('the live account record', () => {
  it('keeps events ascending by time whatever order they arrive in, late ones slotted in place', () => {
    let s = appendEvents(emptyLiveRecord('C001'), [login(30), login(10)], wide).state;
    s = appendEvents(s, [login(20, 'CA'), login(40)], wide).state;
    expect(s.events.map((e) => e.event.timestamp)).toEqual([at(10), at(20), at(30), at(40)]);
    expect(s.latestMs).toBe(T0 + 40 * 60_000);
  });

  it('keeps arrival order among events with the same time', () => {
    const s = appendEvents(
      emptyLiveRecord('C001'),
      [call(5, '/a'), call(5, '/b'), call(5, '/c')],
      wide,
    ).state;
    expect(s.events.map((e) => (e.event as { endpoint: string }).endpoint)).toEqual(['/a', '/b', '/c']);
  });

  it('adds nothing for a redelivered batch, but keeps identical events within one batch', () => {
    const batch = [call(1), call(1), call(2)];
    const first = appendEvents(emptyLiveRecord('C001'), batch, wide);
    expect(first.added).toBe(3);
    const again = appendEvents(first.state, batch, wide);
    expect(again.added).toBe(0);
    expect(again.duplicates).toBe(3);
    expect(again.state.events).toHaveLength(3);
    expect(again.state.duplicates).toBe(3);
  });

  it('treats the same instant written with another offset as the same event', () => {
    const s = appendEvents(emptyLiveRecord('C001'), [login(0)], wide).state;
    const shifted = { ...login(0), timestamp: '2026-03-01T01:00:00.000+01:00' };
    expect(appendEvents(s, [shifted], wide).added).toBe(0);
  });

  it('ignores events of another customer', () => {
    const other = { ...login(0), customerId: 'C002' };
    expect(appendEvents(emptyLiveRecord('C001'), [other], wide).state.events).toEqual([]);
  });

  it('drops events older than the retention window, measured from the newest event, and counts them', () => {
    const bounds = { ...wide, retentionDays: 1 };
    let s = appendEvents(emptyLiveRecord('C001'), [login(0), call(60)], bounds).state;
    // Exactly one day after the first event: still inside the window (inclusive).
    s = appendEvents(s, [login(24 * 60)], bounds).state;
    expect(s.events).toHaveLength(3);
    s = appendEvents(s, [login(24 * 60 + 1)], bounds).state;
    expect(s.events.map((e) => e.event.timestamp)).toEqual([at(60), at(24 * 60), at(24 * 60 + 1)]);
    expect(s.expired).toEqual({ login: 1 });
  });

  it('holds the count cap by evicting bulk kinds first while they dominate, keeping the security events', () => {
    const bounds = { ...wide, maxEvents: 10 };
    const calls = Array.from({ length: 30 }, (_, i) => call(i + 1));
    const s = appendEvents(emptyLiveRecord('C001'), [login(0), ...calls, login(100, 'NG')], bounds).state;
    expect(s.events).toHaveLength(10);
    expect(s.events.filter((e) => e.event.type === 'login')).toHaveLength(2);
    // The newest calls stay; the oldest went.
    expect(s.events.at(-2)!.event.timestamp).toBe(at(30));
    expect(s.evicted).toEqual({ api_call: 22 });
  });

  it('evicts the oldest of any kind once bulk kinds are a minority', () => {
    const bounds = { ...wide, maxEvents: 4 };
    const logins = Array.from({ length: 6 }, (_, i) => login(i));
    const s = appendEvents(emptyLiveRecord('C001'), [...logins, call(10)], bounds).state;
    expect(s.events.map((e) => e.event.timestamp)).toEqual([at(3), at(4), at(5), at(10)]);
    expect(s.evicted).toEqual({ login: 3 });
  });

  it('stays under the byte cap however much arrives', () => {
    const bounds = { ...wide, maxBytes: 20_000 };
    let s = emptyLiveRecord('C001');
    for (let k = 0; k < 20; k++)
      s = appendEvents(
        s,
        Array.from({ length: 50 }, (_, i) => call(k * 50 + i, `/v1/records/${'x'.repeat(200)}`)),
        bounds,
      ).state;
    expect(recordBytes(s)).toBeLessThanOrEqual(20_000);
    expect(s.events.length).toBeGreaterThan(10);
    expect(s.appended).toBe(1000);
    expect((s.evicted.api_call ?? 0) + s.events.length).toBe(1000);
  });

  it('answers queries by as-of, since, before and type, in time order', () => {
    const s = appendEvents(emptyLiveRecord('C001'), [login(0), call(5), login(10), call(15)], wide).state;
    const q = (x: Parameters<typeof liveEvents>[1]) => liveEvents(s, x).map((e) => e.event.timestamp);
    expect(q({ asOfMs: T0 + 10 * 60_000 })).toEqual([at(0), at(5), at(10)]);
    expect(q({ sinceMs: T0 + 5 * 60_000, beforeMs: T0 + 15 * 60_000 })).toEqual([at(5), at(10)]);
    expect(q({ types: ['api_call'] })).toEqual([at(5), at(15)]);
    expect(liveEvents(undefined)).toEqual([]);
  });

  it('loads stored state, starts empty when none, and refuses an unknown version', () => {
    const s = appendEvents(emptyLiveRecord('C001'), [login(0)], wide).state;
    expect(loadLiveRecord(JSON.parse(JSON.stringify(s)), 'C001')).toEqual(s);
    expect(loadLiveRecord(undefined, 'C001')).toEqual(emptyLiveRecord('C001'));
    expect(() => loadLiveRecord({ schemaVersion: 9, events: [] }, 'C001')).toThrow(/schemaVersion 9/);
  });
});
