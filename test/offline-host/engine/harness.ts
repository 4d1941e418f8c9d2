/** Test harness: a fixture app on a fresh engine with a virtual clock, plus history shorthands. */
import path from 'node:path';
import { loadApp, type LoadedApp } from '../../../scripts/offline-host/app-loader/index.js';
import { createVirtualClock, type VirtualClock } from '../../../scripts/offline-host/clock.js';
import {
  createEngine,
  type EngineOptions,
  type OfflineEngine,
} from '../../../scripts/offline-host/engine/index.js';
import { eventTypeName } from '../../../scripts/offline-host/engine/events.js';
import type { Clock, HistoryEvent } from '../../../scripts/offline-host/types.js';

export const FIXTURES = path.resolve(__dirname, '../fixtures');

export interface Host<C extends Clock = VirtualClock> {
  app: LoadedApp;
  engine: OfflineEngine;
  clock: C;
}

type HostOptions = Partial<Omit<EngineOptions, 'invoker' | 'clock'>>;

/** A fixture app on a fresh engine (in-memory unless a data directory is given), virtual clock by default. */
export async function startHost(
  fixture: string,
  opts?: HostOptions & { clock?: VirtualClock },
): Promise<Host>;
export async function startHost<C extends Clock>(
  fixture: string,
  opts: HostOptions & { clock: C },
): Promise<Host<C>>;
export async function startHost(
  fixture: string,
  opts: HostOptions & { clock?: Clock } = {},
): Promise<Host<Clock>> {
  const app = await loadApp(path.join(FIXTURES, fixture), { log: () => {} });
  const clock = opts.clock ?? createVirtualClock();
  const engine = createEngine({ store: 'memory', ...opts, invoker: app, clock });
  await engine.start();
  return { app, engine, clock };
}

/** Compact history: `TaskScheduled#0`, `TaskCompleted→0`, `EventRaised(approval)`, … (episode markers dropped). */
export function shape(history: readonly HistoryEvent[] | undefined): string[] {
  return (history ?? [])
    .filter((e) => e.EventType !== 12 && e.EventType !== 13)
    .map((e) => {
      const name = eventTypeName(e.EventType);
      if (e.EventId >= 0) return `${name}#${e.EventId}`;
      const ref = e.TaskScheduledId ?? e.TimerId;
      if (ref !== undefined) return `${name}→${String(ref)}`;
      if (e.EventType === 15) return `${name}(${String(e.Name)})`;
      return name;
    });
}

export const HOUR = 3600 * 1000;
export const DAY = 24 * HOUR;
