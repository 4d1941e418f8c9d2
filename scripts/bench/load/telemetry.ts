/** Simulator telemetry for the Contoso customers, for the load benches (ingest, soak). */
import type { TelemetryEvent } from '../../../src/detection/schema';
import {
  simulatorStep,
  type SimCustomer,
  type SimulatorSettings,
  type SimulatorState,
} from '../../../src/detection/simulator';
import { customers } from '../../../src/tools';

export function simulatorSettings(eventsPerTick: number, anomalyProbability = 0.08): SimulatorSettings {
  const sim: SimCustomer[] = customers().map((c) => ({
    customerId: c.id,
    homeCountries: c.homeCountries,
    avgTransaction: c.avgTransactionUsd,
    avgDailyMb: c.avgDailyDataGb * 1024,
  }));
  return { customers: sim, seed: 42, anomalyProbability, warmupEvents: 5, eventsPerTick };
}

/** `count` events from a fixed start in 2026, 3 s of simulated time per 100 events. */
export function simulatorEvents(count: number): TelemetryEvent[] {
  const settings = simulatorSettings(100);
  const events: TelemetryEvent[] = [];
  let state: SimulatorState | null = null;
  for (let tick = 1; events.length < count; tick++) {
    const step = simulatorStep(state, settings, Date.UTC(2026, 3, 1) + tick * 3000);
    state = step.state;
    for (const e of step.events) events.push(e.event);
  }
  return events.slice(0, count);
}

/**
 * A live feed: each call returns `count` events stamped between the previous call and `nowMs`. An
 * injected anomaly spans minutes of event time, so the simulator's cursor runs ahead of the clock; it is
 * pulled back to now before each step, else after a quarter of an hour at 100 events/s the events are
 * more than 24 h in the future and the API rightly refuses them.
 */
export function liveFeed(anomalyProbability: number): (count: number, nowMs: number) => TelemetryEvent[] {
  let state: SimulatorState | null = null;
  return (count, nowMs) => {
    if (state?.cursorMs != null && state.cursorMs > nowMs) state = { ...state, cursorMs: nowMs };
    const step = simulatorStep(state, { ...simulatorSettings(count, anomalyProbability) }, nowMs);
    state = step.state;
    return step.events.map((e) => e.event);
  };
}
