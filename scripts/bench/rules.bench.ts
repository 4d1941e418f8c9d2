/**
 * Rules-only throughput: `evaluate` over simulator output for 1,000 customers on one core (one JS
 * thread), with per-customer state looked up and replaced in a Map as the entity would.
 *
 *   npx tsx scripts/bench/rules.bench.ts [--quick]
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { initialProfile, type ProfileState } from '../../src/detection/profile';
import { evaluate, type CustomerBaseline } from '../../src/detection/rules';
import type { TelemetryEvent } from '../../src/detection/schema';
import { DEFAULT_RULE_SETTINGS } from '../../src/detection/settings';
import { simulatorStep, type SimCustomer, type SimulatorState } from '../../src/detection/simulator';
import { runStandalone, type BenchFigure } from './registry';

const CUSTOMERS = 1000;
const HOMES = [
  ['US', 'CA'],
  ['GB', 'IE'],
  ['DE', 'AT'],
  ['FR', 'BE'],
  ['NL', 'DE'],
  ['SE', 'NO'],
  ['ES', 'PT'],
  ['AU', 'NZ'],
];

function benchCustomers(): SimCustomer[] {
  return Array.from({ length: CUSTOMERS }, (_, i) => ({
    customerId: `C${String(i + 1).padStart(4, '0')}`,
    homeCountries: HOMES[i % HOMES.length]!,
    avgTransaction: 55 + ((i * 37) % 146),
    avgDailyMb: 800 + ((i * 211) % 2201),
  }));
}

function generate(customers: SimCustomer[], count: number): TelemetryEvent[] {
  const settings = { customers, seed: 42, anomalyProbability: 0.08, warmupEvents: 5, eventsPerTick: 1000 };
  const events: TelemetryEvent[] = [];
  let state: SimulatorState | null = null;
  for (let tick = 1; events.length < count; tick++) {
    const step = simulatorStep(state, settings, Date.UTC(2026, 0, 1) + tick * 3000);
    state = step.state;
    for (const e of step.events) events.push(e.event);
  }
  return events.slice(0, count);
}

function pass(events: readonly TelemetryEvent[], baselines: Map<string, CustomerBaseline>) {
  const states = new Map<string, ProfileState>();
  let alerts = 0;
  const cpu0 = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (const event of events) {
    const id = event.customerId;
    const r = evaluate(states.get(id) ?? initialProfile(id), event, DEFAULT_RULE_SETTINGS, baselines.get(id));
    states.set(id, r.state);
    alerts += r.alerts.length;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  return { seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, alerts, states };
}

/**
 * A full collection between passes, so no timed pass pays for marking the event dataset (hundreds of MB
 * of old-generation objects) or the previous pass's garbage. The passes themselves still pay for every
 * young-generation collection their own allocations cause.
 */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

async function run(opts: { quick: boolean }): Promise<BenchFigure[]> {
  const customers = benchCustomers();
  const baselines = new Map<string, CustomerBaseline>(
    customers.map((c) => [
      c.customerId,
      { homeCountries: c.homeCountries, avgTransaction: c.avgTransaction, avgDailyMb: c.avgDailyMb },
    ]),
  );
  const count = opts.quick ? 200_000 : 1_000_000;
  const passes = opts.quick ? 3 : 7;
  const events = generate(customers, count);

  pass(events.slice(0, Math.min(events.length, 100_000)), baselines); // JIT warm-up
  const runs = Array.from({ length: passes }, () => {
    collectGarbage();
    return pass(events, baselines);
  });
  const rates = runs.map((r) => count / r.seconds).sort((a, b) => a - b);
  const median = rates[Math.floor(rates.length / 2)]!;
  const cpuRates = runs.map((r) => count / r.cpuSeconds).sort((a, b) => a - b);
  const cpuMedian = cpuRates[Math.floor(cpuRates.length / 2)]!;
  const last = runs.at(-1)!;
  let maxBytes = 0;
  for (const s of last.states.values()) maxBytes = Math.max(maxBytes, JSON.stringify(s).length);

  const shape = `${count.toLocaleString('en-US')} simulator events, ${CUSTOMERS} customers, median of ${passes} passes, Node ${process.version}`;
  return [
    {
      metric: 'rules_events_per_second',
      value: Math.round(median),
      unit: 'events/s',
      note: `one core; ${shape}`,
    },
    {
      metric: 'rules_events_per_cpu_second',
      value: Math.round(cpuMedian),
      unit: 'events/s',
      note: 'per second of process CPU time (less sensitive to a busy machine; includes GC threads)',
    },
    {
      metric: 'rules_events_per_second_min',
      value: Math.round(rates[0]!),
      unit: 'events/s',
      note: 'slowest pass',
    },
    { metric: 'rules_ns_per_event', value: Math.round(1e9 / median), unit: 'ns', note: 'median pass' },
    {
      metric: 'rules_alerts',
      value: last.alerts,
      unit: 'alerts',
      note: 'per pass, after dedup (anomaly probability 0.08)',
    },
    {
      metric: 'profile_state_max_bytes',
      value: maxBytes,
      unit: 'bytes',
      note: 'largest per-customer state as JSON after a pass',
    },
  ];
}

export const bench = { name: 'rules', run };

if (require.main === module) runStandalone(bench);
