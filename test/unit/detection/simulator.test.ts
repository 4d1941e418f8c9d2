import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config';
import { TelemetryEvent } from '../../../src/detection/schema';
import { DEFAULT_RULE_SETTINGS } from '../../../src/detection/settings';
import {
  ANOMALY_PATTERNS,
  SimulatorState,
  simulatorSettingsFrom,
  simulatorStep,
  type SimulatorSettings,
} from '../../../src/detection/simulator';
import { customers } from './builders';
import { score, simulate } from './quality';

const START = Date.UTC(2026, 0, 1);
const settings = (over: Partial<SimulatorSettings> = {}): SimulatorSettings => ({
  customers: customers(50),
  seed: 42,
  anomalyProbability: 0.08,
  warmupEvents: 5,
  eventsPerTick: 3,
  ...over,
});

describe('simulator', () => {
  it('takes its settings from the app settings', () => {
    const s = simulatorSettingsFrom(loadConfig({}), customers(5));
    expect(s).toMatchObject({ seed: 42, anomalyProbability: 0.08, warmupEvents: 5, eventsPerTick: 3 });
  });

  it('is deterministic for a seed and differs across seeds', () => {
    expect(simulate(settings(), 200)).toEqual(simulate(settings(), 200));
    expect(simulate(settings({ seed: 7 }), 200)).not.toEqual(simulate(settings(), 200));
  });

  it('resumes from JSON-persisted state exactly where it stopped (timer cursor)', () => {
    let straight = null;
    let persisted: unknown = null;
    const a = [];
    const b = [];
    for (let k = 1; k <= 100; k++) {
      const s1 = simulatorStep(straight, settings(), START + k * 3000);
      straight = s1.state;
      a.push(...s1.events);
      const s2 = simulatorStep(
        persisted === null ? null : SimulatorState.parse(persisted),
        settings(),
        START + k * 3000,
      );
      persisted = JSON.parse(JSON.stringify(s2.state));
      b.push(...s2.events);
    }
    expect(b).toEqual(a);
  });

  it('emits only schema-valid events, in non-decreasing time, with ground truth beside the event', () => {
    const events = simulate(settings(), 1000);
    let last = 0;
    for (const { event, truth } of events) {
      expect(TelemetryEvent.safeParse(event).success).toBe(true);
      expect(JSON.stringify(event)).not.toMatch(/truth|pattern|anomaly/);
      const t = Date.parse(event.timestamp);
      expect(t).toBeGreaterThanOrEqual(last);
      last = t;
      if (truth) expect(ANOMALY_PATTERNS).toContain(truth.pattern);
    }
  });

  it('honours the warm-up: the first N events are all normal', () => {
    const events = simulate(settings({ anomalyProbability: 1, warmupEvents: 30 }), 20);
    expect(events.slice(0, 30).every((e) => !e.truth)).toBe(true);
    expect(events.slice(30).some((e) => e.truth)).toBe(true);
  });

  it('injects anomalies at the configured rate (±1 point over 30,000 draws)', () => {
    const step = simulatorStep(null, settings({ eventsPerTick: 30_000, warmupEvents: 0 }), START);
    expect(step.state.draws).toBe(30_000);
    expect(step.state.anomalies / step.state.draws).toBeGreaterThan(0.07);
    expect(step.state.anomalies / step.state.draws).toBeLessThan(0.09);
    expect(
      simulatorStep(null, settings({ anomalyProbability: 0 }), START + 5000).events.every((e) => !e.truth),
    ).toBe(true);
  });

  it('emits nothing for a tick at or before the previous one (a re-fired timer)', () => {
    const first = simulatorStep(null, settings(), START);
    expect(simulatorStep(first.state, settings(), START).events).toEqual([]);
    expect(simulatorStep(first.state, settings(), START - 1).state).toBe(first.state);
  });

  it('injects only the patterns asked for', () => {
    const events = simulate(settings({ patterns: ['api_call_burst'], anomalyProbability: 0.5 }), 100);
    expect(new Set(events.flatMap((e) => (e.truth ? [e.truth.pattern] : [])))).toEqual(
      new Set(['api_call_burst']),
    );
  });
});

describe('ground truth against the rules (7,000 ticks × 3 draws, p = 0.08)', () => {
  const floors = (recall: number, precision: number) => ({ recall, precision });
  it.each([
    {
      name: '50 customers with their Contoso baseline',
      n: 50,
      baseline: true,
      seed: 42,
      min: floors(0.95, 0.95),
    },
    { name: '50 customers, another seed', n: 50, baseline: true, seed: 1234, min: floors(0.95, 0.95) },
    {
      name: '50 customers, averages learned (no baseline)',
      n: 50,
      baseline: false,
      seed: 42,
      min: floors(0.9, 0.8),
    },
    {
      name: '5 customers like the reference (dense traffic)',
      n: 5,
      baseline: true,
      seed: 42,
      min: floors(0.9, 0.85),
    },
  ])('catches each pattern with its rule: $name', ({ n, baseline, seed, min }) => {
    const cs = customers(n);
    const events = simulate(settings({ customers: cs, seed }), 7000);
    const scores = score(events, DEFAULT_RULE_SETTINGS, cs, baseline);
    for (const pattern of ANOMALY_PATTERNS) {
      const s = scores[pattern];
      expect(s.anomalies, pattern).toBeGreaterThan(200);
      expect(s.recall, `${pattern} recall`).toBeGreaterThanOrEqual(min.recall);
      expect(s.precision, `${pattern} precision`).toBeGreaterThanOrEqual(min.precision);
    }
  });
});
