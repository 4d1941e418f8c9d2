import { describe, expect, it } from 'vitest';
import { BoundedSubscription, EventBus, type BusEvent } from '../../../src/events/bus';

const newBus = (capacity = 5, epoch = 'e1') =>
  new EventBus({ capacity, epoch, now: () => Date.parse('2026-11-22T10:00:00Z') });

describe('event bus', () => {
  it('numbers events within the process epoch and resumes after a known id', () => {
    const bus = newBus();
    const ids = [1, 2, 3].map((n) => bus.publish('alert', { n })?.id);
    expect(ids).toEqual(['e1-1', 'e1-2', 'e1-3']);
    expect(bus.since('e1-1')).toEqual({
      complete: true,
      events: [expect.objectContaining({ id: 'e1-2' }), expect.objectContaining({ id: 'e1-3' })],
    });
    expect(bus.since('e1-3')).toEqual({ complete: true, events: [] });
    expect(bus.since().events).toHaveLength(3);
  });

  it('keeps the last `capacity` events and flags a resume point that fell out of the buffer', () => {
    const bus = newBus(3);
    for (let n = 1; n <= 6; n++) bus.publish('telemetry', { n });
    expect(bus.since().events.map((e) => e.id)).toEqual(['e1-4', 'e1-5', 'e1-6']);
    expect(bus.since('e1-3').complete).toBe(true); // the event right before the buffer: nothing missed
    expect(bus.since('e1-2')).toMatchObject({ complete: false });
    expect(bus.since('e1-2').events).toHaveLength(3);
  });

  it('treats ids from another process epoch or garbage as unknown', () => {
    const bus = newBus();
    bus.publish('case', {});
    expect(bus.since('e0-1').complete).toBe(false);
    expect(bus.since('e1-99').complete).toBe(false);
    expect(bus.since('1; DROP TABLE').complete).toBe(false);
  });

  it('ignores a second publish with the same key while the first is buffered', () => {
    const bus = newBus(2);
    expect(bus.publish('alert', { a: 1 }, { key: 'a1' })).toBeDefined();
    expect(bus.publish('alert', { a: 1 }, { key: 'a1' })).toBeUndefined();
    expect(bus.publish('case', { a: 1 }, { key: 'a1' })).toBeDefined(); // keys are per type
    bus.publish('telemetry', {});
    // evicted → the key is forgotten with it
    expect(bus.publish('alert', { a: 1 }, { key: 'a1' })).toBeDefined();
  });

  it('delivers an alert once however many parts of the app publish it', () => {
    const bus = newBus();
    expect(bus.publish('alert', { alertId: 'a1', caseId: 'case-a1' })).toBeDefined();
    expect(bus.publish('alert', { alertId: 'a1', caseId: 'case-a1', attachedTo: undefined })).toBeUndefined();
    expect(bus.publish('alert', { alertId: 'a2' })).toBeDefined();
    expect(bus.publish('case', { alertId: 'a1' })).toBeDefined();
  });

  it('replays then delivers live without gap or duplicate, and stops after unsubscribe', () => {
    const bus = newBus(10);
    bus.publish('alert', { n: 1 });
    bus.publish('alert', { n: 2 });
    const seen: string[] = [];
    const off = bus.subscribe('e1-1', (e) => seen.push(e.id));
    bus.publish('alert', { n: 3 });
    off();
    bus.publish('alert', { n: 4 });
    expect(seen).toEqual(['e1-2', 'e1-3']);
    expect(bus.subscriberCount).toBe(0);
  });

  it('never lets a throwing subscriber reach the publisher or other subscribers', () => {
    const bus = newBus();
    const seen: BusEvent[] = [];
    bus.subscribe(undefined, () => {
      throw new Error('broken client');
    });
    bus.subscribe(undefined, (e) => seen.push(e));
    expect(() => bus.publish('case', { x: 1 })).not.toThrow();
    expect(seen).toHaveLength(1);
  });

  it('drops a subscriber that falls too far behind instead of buffering without bound', async () => {
    const bus = newBus(1000);
    const sub = new BoundedSubscription(bus, undefined, 3);
    for (let n = 1; n <= 10; n++) bus.publish('telemetry', { n });
    expect(sub.dropped).toBe(true);
    expect(bus.subscriberCount).toBe(0);
    const got: unknown[] = [];
    for await (const e of sub) got.push(e.data);
    expect(got).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
  });

  it('does not count the replayed backlog against a resuming subscriber', async () => {
    const bus = newBus(100);
    for (let n = 1; n <= 50; n++) bus.publish('alert', { n });
    const sub = new BoundedSubscription(bus, 'e1-10', 5);
    expect(sub.dropped).toBe(false);
    expect(sub.pending).toBe(40);
    bus.publish('alert', { n: 51 });
    expect(sub.dropped).toBe(false);
    const first = await sub.next();
    expect(first.value?.id).toBe('e1-11');
    sub.close();
  });

  it('hands a waiting reader the next event directly and filters by type', async () => {
    const bus = newBus();
    const sub = new BoundedSubscription(bus, undefined, 5, (e) => e.type === 'case');
    const next = sub.next();
    bus.publish('alert', { skip: true });
    bus.publish('case', { stage: 'closed' });
    expect((await next).value?.data).toEqual({ stage: 'closed' });
    await sub.return();
    expect((await sub.next()).done).toBe(true);
  });
});
