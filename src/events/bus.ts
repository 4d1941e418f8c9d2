/**
 * In-process event bus behind GET /api/stream: telemetry, alerts and case stage changes.
 *
 * - A bounded ring buffer (last `capacity` events) lets a reconnecting client resume from `Last-Event-ID`.
 * - Ids are `<epoch>-<seq>`: the epoch changes when the process restarts, so an id from an earlier
 *   process is recognised as unknown (the client gets everything buffered and a `reset` notice).
 * - Publishing never blocks and never throws: listeners run synchronously, their errors are swallowed,
 *   and a subscriber whose queue is full is dropped (it reconnects and resumes from the buffer).
 * - Per process: with several instances in Azure each streams the events it saw itself.
 */

export type BusEventType = 'telemetry' | 'alert' | 'case';
export const BUS_EVENT_TYPES: readonly BusEventType[] = ['telemetry', 'alert', 'case'];

export interface BusEvent<T = unknown> {
  id: string;
  type: BusEventType;
  at: string;
  data: T;
}

export interface PublishOptions {
  /**
   * Idempotency key: a second publish with a key still in the buffer is ignored (returns undefined).
   * Alerts default to their `alertId`.
   */
  key?: string;
}

export interface SinceResult {
  events: BusEvent[];
  /** False when `fromId` is unknown (older than the buffer or from another process): events may be missing. */
  complete: boolean;
}

export interface BusOptions {
  capacity?: number;
  now?: () => number;
  epoch?: string;
}

type Listener = (event: BusEvent) => void;

export class EventBus {
  readonly capacity: number;
  readonly epoch: string;
  private readonly now: () => number;
  private readonly ring: Array<BusEvent & { key?: string }> = [];
  private readonly keys = new Set<string>();
  private readonly listeners = new Set<Listener>();
  private seq = 0;

  constructor(opts: BusOptions = {}) {
    this.capacity = Math.max(1, opts.capacity ?? 1000);
    this.now = opts.now ?? Date.now;
    this.epoch = opts.epoch ?? Date.now().toString(36);
  }

  publish<T>(type: BusEventType, data: T, opts: PublishOptions = {}): BusEvent<T> | undefined {
    const given = opts.key ?? defaultKey(type, data);
    const key = given === undefined ? undefined : `${type}:${given}`;
    if (key !== undefined && this.keys.has(key)) return undefined;
    const event: BusEvent<T> & { key?: string } = {
      id: `${this.epoch}-${++this.seq}`,
      type,
      at: new Date(this.now()).toISOString(),
      data,
    };
    if (key !== undefined) {
      event.key = key;
      this.keys.add(key);
    }
    this.ring.push(event);
    if (this.ring.length > this.capacity) {
      const old = this.ring.shift();
      if (old?.key !== undefined) this.keys.delete(old.key);
    }
    const visible: BusEvent<T> = { id: event.id, type, at: event.at, data };
    for (const listener of [...this.listeners]) {
      try {
        listener(visible);
      } catch {
        // A broken subscriber must not affect the publisher (an activity) or other subscribers.
      }
    }
    return visible;
  }

  /** Buffered events after `fromId` (all buffered events when `fromId` is absent). */
  since(fromId?: string): SinceResult {
    const all = this.ring.map(strip);
    if (fromId === undefined || fromId === '') return { events: all, complete: true };
    const seq = this.seqOf(fromId);
    if (seq === undefined) return { events: all, complete: false };
    const first = this.ring[0];
    const firstSeq = first ? (this.seqOf(first.id) as number) : this.seq + 1;
    // Known when the id is in the buffer, or it is the newest id ever published (nothing missed).
    const complete = seq >= firstSeq - 1 && seq <= this.seq;
    return { events: all.filter((e) => (this.seqOf(e.id) as number) > seq), complete };
  }

  /**
   * Calls `listener` for buffered events after `fromId`, then for every new one, synchronously, until
   * the returned function is called. Replay and live delivery have no gap and no duplicate.
   */
  subscribe(fromId: string | undefined, listener: Listener): () => void {
    for (const e of this.since(fromId).events) listener(e);
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  get subscriberCount(): number {
    return this.listeners.size;
  }

  get lastId(): string | undefined {
    return this.ring[this.ring.length - 1]?.id;
  }

  private seqOf(id: string): number | undefined {
    const m = /^([0-9a-z]+)-(\d+)$/.exec(id.trim());
    if (!m || m[1] !== this.epoch) return undefined;
    return Number(m[2]);
  }
}

/**
 * Alerts are identified by their alertId: the HTTP handler and the startCase activity (or a retry of
 * it) may both publish one alert, and the stream carries it once.
 */
function defaultKey(type: BusEventType, data: unknown): string | undefined {
  if (type !== 'alert' || data === null || typeof data !== 'object') return undefined;
  const id = (data as { alertId?: unknown }).alertId;
  return typeof id === 'string' ? id : undefined;
}

function strip(e: BusEvent & { key?: string }): BusEvent {
  return { id: e.id, type: e.type, at: e.at, data: e.data };
}

/**
 * A subscription with a bounded queue, consumed as an async iterator (the SSE response pulls from it).
 * When more than `maxQueue` events wait unread the subscriber is dropped: the iterator ends after the
 * queued events and `dropped` turns true, so a stalled client never holds memory or slows publishers.
 */
export class BoundedSubscription implements AsyncIterableIterator<BusEvent> {
  dropped = false;
  private readonly queue: BusEvent[] = [];
  private waiting: ((r: IteratorResult<BusEvent>) => void) | undefined;
  private closed = false;
  /** Replayed (buffered) events are not held against the limit: only live events a client fails to read. */
  private readonly replayAllowance: number;
  private replaying = true;
  private readonly unsubscribe: () => void;

  constructor(
    bus: EventBus,
    fromId: string | undefined,
    private readonly maxQueue = 256,
    private readonly filter: (e: BusEvent) => boolean = () => true,
  ) {
    this.unsubscribe = bus.subscribe(fromId, (e) => this.push(e));
    this.replaying = false;
    this.replayAllowance = this.queue.length;
  }

  private push(e: BusEvent): void {
    if (this.closed || !this.filter(e)) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ value: e, done: false });
      return;
    }
    if (!this.replaying && this.queue.length >= this.maxQueue + this.replayAllowance) {
      this.dropped = true;
      this.close();
      return;
    }
    this.queue.push(e);
  }

  /** Events queued and not yet read. */
  get pending(): number {
    return this.queue.length;
  }

  next(): Promise<IteratorResult<BusEvent>> {
    const e = this.queue.shift();
    if (e) return Promise.resolve({ value: e, done: false });
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  /** Ends the subscription; queued events can still be read, then the iterator is done. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe();
    const resolve = this.waiting;
    this.waiting = undefined;
    resolve?.({ value: undefined, done: true });
  }

  return(): Promise<IteratorResult<BusEvent>> {
    this.close();
    this.queue.length = 0;
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<BusEvent> {
    return this;
  }
}

/** The process-wide bus. */
export const bus = new EventBus();

/** Publishes on the process-wide bus. Activities call `publish('case', {...})` on stage changes. */
export function publish<T>(type: BusEventType, data: T, opts?: PublishOptions): BusEvent<T> | undefined {
  return bus.publish(type, data, opts);
}

export function subscribe(fromId: string | undefined, listener: (event: BusEvent) => void): () => void {
  return bus.subscribe(fromId, listener);
}

export function since(fromId?: string): SinceResult {
  return bus.since(fromId);
}
