import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventBus } from '../../../src/events/bus';
import { formatSseEvent, sseStream } from '../../../src/events/sse';

const decoder = new TextDecoder();

/** Reads chunks until `until` matches the text so far (or `max` chunks). */
async function readUntil(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  until: (text: string) => boolean,
  max = 50,
): Promise<string> {
  let text = '';
  for (let i = 0; i < max && !until(text); i++) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value);
  }
  return text;
}

afterEach(() => vi.useRealTimers());

describe('server-sent events', () => {
  it('frames an event with id, type and one line of JSON data', () => {
    const text = formatSseEvent({
      id: 'e1-7',
      type: 'alert',
      at: '2026-11-22T10:00:00.000Z',
      data: { note: 'line1\nline2\r\n' },
    });
    expect(text).toBe(
      'id: e1-7\nevent: alert\ndata: {"note":"line1\\nline2\\r\\n","at":"2026-11-22T10:00:00.000Z"}\n\n',
    );
  });

  it('starts with a retry hint, replays after Last-Event-ID, then streams live events', async () => {
    const bus = new EventBus({ epoch: 'e1' });
    bus.publish('alert', { n: 1 });
    bus.publish('alert', { n: 2 });
    const reader = sseStream(bus, { fromId: 'e1-1' }).getReader();
    let text = await readUntil(reader, (t) => t.includes('id: e1-2'));
    expect(text.startsWith('retry: 3000\n\n')).toBe(true);
    expect(text).not.toContain('id: e1-1\n');
    bus.publish('case', { stage: 'closed' });
    text = await readUntil(reader, (t) => t.includes('id: e1-3'));
    expect(text).toContain('event: case\ndata: {"stage":"closed"');
    await reader.cancel();
    expect(bus.subscriberCount).toBe(0);
  });

  it('announces a reset when the resume id is unknown, then replays the buffer', async () => {
    const bus = new EventBus({ epoch: 'e2' });
    bus.publish('alert', { n: 1 });
    const reader = sseStream(bus, { fromId: 'e1-999' }).getReader();
    const text = await readUntil(reader, (t) => t.includes('id: e2-1'));
    expect(text).toContain('event: reset\n');
    await reader.cancel();
  });

  it('filters by type', async () => {
    const bus = new EventBus({ epoch: 'e1' });
    bus.publish('telemetry', { n: 1 });
    bus.publish('case', { n: 2 });
    const reader = sseStream(bus, { types: ['case'] }).getReader();
    const text = await readUntil(reader, (t) => t.includes('event: case'));
    expect(text).not.toContain('event: telemetry');
    await reader.cancel();
  });

  it('sends a heartbeat comment when nothing happens', async () => {
    vi.useFakeTimers();
    const bus = new EventBus({ epoch: 'e1' });
    const reader = sseStream(bus, { heartbeatMs: 15_000 }).getReader();
    await reader.read(); // retry hint
    const next = reader.read();
    await vi.advanceTimersByTimeAsync(15_000);
    expect(decoder.decode((await next).value)).toMatch(/^: heartbeat /);
    await reader.cancel();
  });

  it('ends every stream after its lifetime so a vanished client cannot hold a subscription forever', async () => {
    vi.useFakeTimers();
    const bus = new EventBus({ epoch: 'e1' });
    const reader = sseStream(bus, { heartbeatMs: 15_000, maxLifetimeMs: 40_000 }).getReader();
    let text = '';
    const pump = (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        text += decoder.decode(value);
      }
    })();
    await vi.advanceTimersByTimeAsync(40_000);
    await pump;
    expect(text.match(/: heartbeat/g)).toHaveLength(2);
    expect(text).toContain(': stream lifetime reached');
    expect(bus.subscriberCount).toBe(0);
  });

  it('ends the stream of a client that stopped reading, without blocking publishers', async () => {
    const bus = new EventBus({ epoch: 'e1', capacity: 10_000 });
    const reader = sseStream(bus, { maxQueue: 10 }).getReader();
    await reader.read(); // retry hint; then the client stalls
    for (let n = 0; n < 1000; n++) bus.publish('telemetry', { n });
    expect(bus.subscriberCount).toBe(0);
    const text = await readUntil(reader, (t) => t.includes('dropped'), 100);
    expect(text).toContain(': dropped');
    expect((await reader.read()).done).toBe(true);
  });
});
