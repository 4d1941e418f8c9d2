/**
 * Clocks. The real clock is wall time; the engine arms a setTimeout for its next timer. The virtual
 * clock only moves when told: `advance(ms)` walks through every due timer in time order, letting the
 * engines settle (`idle()`) after each, so a 72-hour wait takes milliseconds and stays deterministic.
 */
import type { Clock } from './types.js';

/** What an engine offers a virtual clock so that advance() can fire its timers. */
export interface TimerDriver {
  /** Time of the earliest pending timer, if any. */
  nextDueAt(): number | undefined;
  /** Delivers every timer due at the clock's current time and waits until the resulting work settles. */
  fireDue(): Promise<void>;
}

export interface VirtualClock extends Clock {
  readonly kind: 'virtual';
  /** Engines register so advance() can drive their timers; returns an unregister function. */
  attach(driver: TimerDriver): () => void;
  /** Moves time to an absolute instant (never backwards). */
  advanceTo(ms: number): Promise<void>;
}

export interface RealClock extends Clock {
  readonly kind: 'real';
}

export function createRealClock(): RealClock {
  return {
    kind: 'real',
    now: () => Date.now(),
    advance: () =>
      Promise.reject(new Error('advance() needs the virtual clock; the real clock follows wall time.')),
  };
}

/** Starts at `startMs` (default: 2026-01-01T00:00:00Z, so traces are reproducible). */
export function createVirtualClock(startMs = Date.UTC(2026, 0, 1)): VirtualClock {
  let now = startMs;
  const drivers = new Set<TimerDriver>();

  const earliest = (): number | undefined => {
    let min: number | undefined;
    for (const d of drivers) {
      const due = d.nextDueAt();
      if (due !== undefined && (min === undefined || due < min)) min = due;
    }
    return min;
  };

  /** Settles work at the current time, then delivers due timers until none is due (work may add more). */
  const settleAndFireDue = async (): Promise<void> => {
    for (;;) {
      await Promise.all([...drivers].map((d) => d.fireDue()));
      const due = earliest();
      if (due === undefined || due > now) return;
    }
  };

  const clock: VirtualClock = {
    kind: 'virtual',
    now: () => now,
    attach(driver) {
      drivers.add(driver);
      return () => drivers.delete(driver);
    },
    async advance(ms: number) {
      if (!(ms >= 0)) throw new RangeError(`advance() needs a duration ≥ 0 ms, got ${ms}.`);
      await clock.advanceTo(now + ms);
    },
    async advanceTo(target: number) {
      // Work already under way finishes at the current time before the clock moves.
      await settleAndFireDue();
      for (;;) {
        const due = earliest();
        if (due === undefined || due > target) break;
        now = Math.max(now, due);
        await settleAndFireDue();
      }
      now = Math.max(now, target);
      await settleAndFireDue();
    },
  };
  return clock;
}

export function isVirtualClock(clock: Clock): clock is VirtualClock {
  return clock.kind === 'virtual' && typeof (clock as Partial<VirtualClock>).attach === 'function';
}
