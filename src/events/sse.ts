import { BoundedSubscription, type BusEvent, type BusEventType, type EventBus } from './bus';

/** Server-sent events framing (https://html.spec.whatwg.org/multipage/server-sent-events.html). */
export function formatSseEvent(e: BusEvent): string {
  // JSON.stringify escapes CR and LF, so the data is a single line.
  return `id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify({ ...asObject(e.data), at: e.at })}\n\n`;
}

function asObject(data: unknown): Record<string, unknown> {
  return data !== null && typeof data === 'object' && !Array.isArray(data)
    ? (data as Record<string, unknown>)
    : { value: data };
}

export function formatSseComment(text: string): string {
  return `: ${text.replace(/[\r\n]+/g, ' ')}\n\n`;
}

export interface SseStreamOptions {
  /** The client's Last-Event-ID (resume point). */
  fromId?: string;
  /** Only these event types (all when absent). */
  types?: readonly BusEventType[];
  heartbeatMs?: number;
  /** Unread live events a client may fall behind by before it is dropped. */
  maxQueue?: number;
  /** Reconnect delay the client is told to use (`retry:`). */
  retryMs?: number;
  /**
   * The stream ends after this long and the client reconnects with Last-Event-ID (nothing is lost).
   * This bounds subscriptions of vanished clients: the Functions worker's HTTP proxy keeps reading a
   * streamed body after the client disconnects, so cancellation alone cannot be relied on.
   */
  maxLifetimeMs?: number;
  now?: () => number;
}

/**
 * A text/event-stream body over the bus: a `retry:` line, a `reset` event when the resume id is
 * unknown, the buffered events after it, then live events and heartbeat comments. A client that falls
 * `maxQueue` events behind gets a final `dropped` comment and the stream ends, as does every stream
 * after `maxLifetimeMs`; EventSource reconnects with Last-Event-ID and resumes from the buffer.
 */
export function sseStream(bus: EventBus, opts: SseStreamOptions = {}): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const types = opts.types && opts.types.length > 0 ? new Set(opts.types) : undefined;
  const heartbeatMs = opts.heartbeatMs ?? 15_000;
  const now = opts.now ?? Date.now;
  const endsAt = now() + (opts.maxLifetimeMs ?? 5 * 60_000);
  let sub: BoundedSubscription | undefined;
  // The read in flight survives a heartbeat: the event it resolves with is delivered by a later pull.
  let nextRead: Promise<IteratorResult<BusEvent>> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let cancelled = false;

  const stop = () => {
    if (timer) clearTimeout(timer);
    sub?.close();
  };

  return new ReadableStream<Uint8Array>({
    start(controller) {
      const fromId = opts.fromId?.trim() || undefined;
      let head = `retry: ${opts.retryMs ?? 3000}\n\n`;
      if (fromId !== undefined && !bus.since(fromId).complete) {
        const reset = {
          reason: 'Last-Event-ID unknown or expired; replaying the buffer',
          lastEventId: fromId,
        };
        head += `event: reset\ndata: ${JSON.stringify(reset)}\n\n`;
      }
      controller.enqueue(encoder.encode(head));
      sub = new BoundedSubscription(bus, fromId, opts.maxQueue ?? 256, (e) => !types || types.has(e.type));
    },
    // Called only when the client reads: a stalled client makes no heartbeats and its queue fills up.
    async pull(controller) {
      const s = sub as BoundedSubscription;
      nextRead ??= s.next();
      const winner = await Promise.race([
        nextRead,
        new Promise<'heartbeat'>((resolve) => {
          timer = setTimeout(() => resolve('heartbeat'), Math.max(0, Math.min(heartbeatMs, endsAt - now())));
        }),
      ]);
      if (timer) clearTimeout(timer);
      if (cancelled) return;
      if (winner === 'heartbeat' && now() >= endsAt) {
        controller.enqueue(
          encoder.encode(formatSseComment('stream lifetime reached; reconnect with Last-Event-ID')),
        );
        stop();
        controller.close();
        return;
      }
      if (winner === 'heartbeat') {
        controller.enqueue(encoder.encode(formatSseComment(`heartbeat ${new Date().toISOString()}`)));
        return;
      }
      nextRead = undefined;
      if (winner.done) {
        if (s.dropped)
          controller.enqueue(
            encoder.encode(formatSseComment('dropped: client too slow; reconnect with Last-Event-ID')),
          );
        stop();
        controller.close();
        return;
      }
      controller.enqueue(encoder.encode(formatSseEvent(winner.value)));
    },
    cancel() {
      cancelled = true;
      stop();
    },
  });
}
