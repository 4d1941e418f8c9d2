/**
 * Pending timers (TimerFired messages not yet visible), earliest first. Cancelled ones are skipped
 * lazily, and the heap is rebuilt once they outnumber the live ones: a case that cancels its 72-hour
 * deadline would otherwise keep the dead entry for 72 hours.
 */
import type { OrchestrationMessage } from './model.js';

export class TimerQueue {
  private heap: OrchestrationMessage[] = [];
  private readonly live = new Map<string, OrchestrationMessage>();
  /** Live timer keys per instance (ofInstance without scanning every timer). */
  private readonly byInstance = new Map<string, Set<string>>();

  static key(instanceId: string, timerId: number): string {
    return `${instanceId}\u0000${timerId}`;
  }

  get size(): number {
    return this.live.size;
  }

  /** Entries held, cancelled ones not yet dropped included. */
  get held(): number {
    return this.heap.length;
  }

  push(msg: OrchestrationMessage): void {
    const key = TimerQueue.key(msg.target, msg.event.TimerId as number);
    this.live.set(key, msg);
    const keys = this.byInstance.get(msg.target) ?? new Set<string>();
    keys.add(key);
    this.byInstance.set(msg.target, keys);
    this.siftUp(msg);
  }

  private siftUp(msg: OrchestrationMessage): void {
    const heap = this.heap;
    heap.push(msg);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (before(heap[parent]!, heap[i]!)) break;
      [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
      i = parent;
    }
  }

  /** Removes a pending timer; returns its message (for deleting it from the store). */
  cancel(instanceId: string, timerId: number): OrchestrationMessage | undefined {
    const key = TimerQueue.key(instanceId, timerId);
    const msg = this.live.get(key);
    this.forget(instanceId, key);
    if (this.heap.length > 64 && this.heap.length > 2 * this.live.size) this.rebuild();
    return msg;
  }

  /** Every pending timer of an instance (to drop them when it ends or is purged). */
  ofInstance(instanceId: string): OrchestrationMessage[] {
    const keys = this.byInstance.get(instanceId);
    if (!keys) return [];
    return [...keys].flatMap((k) => {
      const m = this.live.get(k);
      return m ? [m] : [];
    });
  }

  private forget(instanceId: string, key: string): void {
    this.live.delete(key);
    const keys = this.byInstance.get(instanceId);
    if (!keys) return;
    keys.delete(key);
    if (keys.size === 0) this.byInstance.delete(instanceId);
  }

  /** Only the live timers, re-heaped. */
  private rebuild(): void {
    this.heap = [];
    for (const msg of this.live.values()) this.siftUp(msg);
  }

  nextDueAt(): number | undefined {
    this.skipCancelled();
    return this.heap[0]?.visibleAt;
  }

  takeDue(now: number): OrchestrationMessage[] {
    const due: OrchestrationMessage[] = [];
    for (;;) {
      this.skipCancelled();
      const top = this.heap[0];
      if (!top || top.visibleAt > now) return due;
      this.pop();
      this.forget(top.target, TimerQueue.key(top.target, top.event.TimerId as number));
      due.push(top);
    }
  }

  private skipCancelled(): void {
    while (this.heap.length > 0) {
      const top = this.heap[0]!;
      if (this.live.get(TimerQueue.key(top.target, top.event.TimerId as number)) === top) return;
      this.pop();
    }
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop()!;
    if (heap.length === 0) return;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && before(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && before(heap[r]!, heap[m]!)) m = r;
      if (m === i) return;
      [heap[m], heap[i]] = [heap[i]!, heap[m]!];
      i = m;
    }
  }
}

function before(a: OrchestrationMessage, b: OrchestrationMessage): boolean {
  return a.visibleAt < b.visibleAt || (a.visibleAt === b.visibleAt && a.seq < b.seq);
}
