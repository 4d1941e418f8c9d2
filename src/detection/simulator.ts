import { z } from 'zod';
import type { Config } from '../config';
import { Rng } from '../shared/prng';
import type { RuleName, TelemetryEvent } from './schema';

/**
 * Seeded telemetry simulator for the timer trigger, demos, tests and the rules benchmark.
 *
 * Each tick makes `eventsPerTick` draws; a draw is one normal event, or (after the warm-up and with
 * `anomalyProbability`) one injected anomaly, which may expand to several events (a burst). Injected
 * events carry ground truth *beside* the event (`LabelledEvent.truth`), never inside it, so rules and
 * agents cannot read it. Timestamps never go backwards: the tick's draws are spread over (last tick, now];
 * a burst may run a few seconds past `now`, and the next tick continues after it.
 * Same seed + same sequence of `nowMs` → the same events. A tick at or before the previous one emits
 * nothing (a re-fired timer does not duplicate telemetry).
 */

export interface SimCustomer {
  customerId: string;
  homeCountries: readonly string[];
  avgTransaction: number;
  avgDailyMb: number;
}

/** The anomalies the simulator injects: the reference's five rules (card testing is not simulated). */
export type AnomalyPattern = Exclude<
  RuleName,
  'manual' | 'transaction_burst' | 'export_volume' | 'cramming' | 'security_change_chain'
>;
export const ANOMALY_PATTERNS: readonly AnomalyPattern[] = [
  'new_country_login',
  'large_transaction',
  'data_usage_spike',
  'auth_failure_burst',
  'api_call_burst',
];

export interface GroundTruth {
  pattern: AnomalyPattern;
  /** Shared by every event of one injected anomaly (a burst is one anomaly). */
  anomalyId: string;
}

export interface LabelledEvent {
  event: TelemetryEvent;
  truth?: GroundTruth;
}

export interface SimulatorSettings {
  customers: readonly SimCustomer[];
  seed: number;
  anomalyProbability: number;
  /** The first N events emitted are all normal (rules learn averages meanwhile). */
  warmupEvents: number;
  eventsPerTick: number;
  /** Span the first tick covers, ending at its `nowMs` (later ticks cover the time since the last). */
  firstTickSpanMs?: number;
  /** Which anomalies to inject (default: all five). */
  patterns?: readonly AnomalyPattern[];
}

export const SIMULATOR_SCHEMA_VERSION = 1;
export const SimulatorState = z.object({
  schemaVersion: z.literal(SIMULATOR_SCHEMA_VERSION),
  seed: z.number().int(),
  rng: z.number().int().nonnegative(),
  draws: z.number().int().nonnegative(),
  emitted: z.number().int().nonnegative(),
  anomalies: z.number().int().nonnegative(),
  /** Time of the newest event emitted; the next event comes after it. */
  cursorMs: z.number().nullable(),
  lastTickMs: z.number().nullable(),
});
export type SimulatorState = z.infer<typeof SimulatorState>;

export function initialSimulatorState(seed: number): SimulatorState {
  return {
    schemaVersion: SIMULATOR_SCHEMA_VERSION,
    seed,
    rng: seed >>> 0,
    draws: 0,
    emitted: 0,
    anomalies: 0,
    cursorMs: null,
    lastTickMs: null,
  };
}

export function simulatorSettingsFrom(
  config: Pick<
    Config,
    | 'SIMULATOR_SEED'
    | 'SIMULATOR_ANOMALY_PROBABILITY'
    | 'SIMULATOR_WARMUP_EVENTS'
    | 'SIMULATOR_EVENTS_PER_TICK'
  >,
  customers: readonly SimCustomer[],
): SimulatorSettings {
  return {
    customers,
    seed: config.SIMULATOR_SEED,
    anomalyProbability: config.SIMULATOR_ANOMALY_PROBABILITY,
    warmupEvents: config.SIMULATOR_WARMUP_EVENTS,
    eventsPerTick: config.SIMULATOR_EVENTS_PER_TICK,
  };
}

const FOREIGN_COUNTRIES = [
  'RU',
  'CN',
  'NG',
  'BR',
  'KP',
  'RO',
  'VN',
  'UA',
  'IN',
  'ID',
  'TR',
  'PK',
  'MX',
  'ZA',
  'JP',
];
const MERCHANTS = [
  'Contoso Mobile Store',
  'Fabrikam Streaming',
  'Northwind Grocers',
  'Tailspin Travel',
  'Adventure Works',
  'Wide World Importers',
  'Litware Games',
  'Proseware Cloud',
];
const ENDPOINTS = [
  '/v1/account',
  '/v1/usage',
  '/v1/billing/invoices',
  '/v1/sim/status',
  '/v1/plans',
  '/v1/devices',
];

/** Normal traffic mix (weights): logins, purchases, usage reports, API calls, rare typo'd passwords. */
const NORMAL_MIX: ReadonlyArray<[Exclude<TelemetryEvent['type'], 'account_change'>, number]> = [
  ['login', 0.2],
  ['transaction', 0.3],
  ['data_usage', 0.2],
  ['api_call', 0.295],
  ['auth_failure', 0.005],
];

export function simulatorStep(
  state: SimulatorState | null,
  settings: SimulatorSettings,
  nowMs: number,
): { state: SimulatorState; events: LabelledEvent[] } {
  const s = state ?? initialSimulatorState(settings.seed);
  if (settings.customers.length === 0 || (s.lastTickMs !== null && nowMs <= s.lastTickMs))
    return { state: s, events: [] };

  const rng = new Rng(s.rng);
  const from = s.lastTickMs ?? nowMs - (settings.firstTickSpanMs ?? 3000);
  let cursor = Math.max(s.cursorMs ?? from, from);
  const gap = Math.max(1, (nowMs - from) / settings.eventsPerTick);
  const patterns = settings.patterns ?? ANOMALY_PATTERNS;
  const events: LabelledEvent[] = [];
  let { draws, emitted, anomalies } = s;

  const emit = (event: TelemetryEvent, truth?: GroundTruth) => {
    events.push(truth ? { event, truth } : { event });
    emitted++;
  };
  const at = (ms: number) => new Date(Math.round(ms)).toISOString();

  for (let k = 0; k < settings.eventsPerTick; k++) {
    cursor += gap * rng.float(0.6, 1.4);
    draws++;
    const customer = rng.pick(settings.customers);
    const anomalous =
      emitted >= settings.warmupEvents && patterns.length > 0 && rng.next() < settings.anomalyProbability;
    if (!anomalous) {
      emit(normalEvent(rng, customer, at(cursor)));
      continue;
    }
    const truth: GroundTruth = { pattern: rng.pick(patterns), anomalyId: `sim-${s.seed}-${anomalies}` };
    anomalies++;
    cursor = injectAnomaly(rng, customer, truth, cursor, at, emit);
  }

  return {
    state: { ...s, rng: rng.state, draws, emitted, anomalies, cursorMs: cursor, lastTickMs: nowMs },
    events,
  };
}

function normalEvent(rng: Rng, c: SimCustomer, timestamp: string): TelemetryEvent {
  const base = { customerId: c.customerId, timestamp };
  switch (weighted(rng, NORMAL_MIX)) {
    case 'login':
      return {
        type: 'login',
        ...base,
        country: rng.pick(c.homeCountries),
        ip: ip(rng),
        success: rng.next() < 0.97,
      };
    case 'transaction':
      return {
        type: 'transaction',
        ...base,
        amount: cents(c.avgTransaction * clamp(rng.logNormal(0.35), 0.15, 2.5)),
        merchant: rng.pick(MERCHANTS),
      };
    case 'data_usage':
      return { type: 'data_usage', ...base, mb: tenths(c.avgDailyMb * clamp(rng.logNormal(0.3), 0.2, 2.5)) };
    case 'api_call':
      return { type: 'api_call', ...base, endpoint: rng.pick(ENDPOINTS) };
    case 'auth_failure':
      return { type: 'auth_failure', ...base };
  }
}

/** Emits one anomaly's events from `cursor` on; returns the new cursor. */
function injectAnomaly(
  rng: Rng,
  c: SimCustomer,
  truth: GroundTruth,
  cursor: number,
  at: (ms: number) => string,
  emit: (e: TelemetryEvent, truth?: GroundTruth) => void,
): number {
  const base = (ms: number) => ({ customerId: c.customerId, timestamp: at(ms) });
  switch (truth.pattern) {
    case 'new_country_login': {
      // The customer is signed in at home; seconds later someone signs in from abroad.
      emit({
        type: 'login',
        ...base(cursor),
        country: rng.pick(c.homeCountries),
        ip: ip(rng),
        success: true,
      });
      const foreign = FOREIGN_COUNTRIES.filter((x) => !c.homeCountries.includes(x));
      cursor += rng.float(2_000, 20_000);
      emit(
        {
          type: 'login',
          ...base(cursor),
          country: rng.pick(foreign),
          ip: ip(rng),
          success: rng.next() < 0.85,
        },
        truth,
      );
      return cursor;
    }
    case 'large_transaction':
      emit(
        {
          type: 'transaction',
          ...base(cursor),
          amount: cents(c.avgTransaction * rng.float(4.5, 12)),
          merchant: rng.pick(MERCHANTS),
        },
        truth,
      );
      return cursor;
    case 'data_usage_spike':
      emit({ type: 'data_usage', ...base(cursor), mb: tenths(c.avgDailyMb * rng.float(6, 15)) }, truth);
      return cursor;
    case 'auth_failure_burst': {
      const n = 3 + rng.int(0, 3);
      for (let i = 0; i < n; i++) {
        if (i > 0) cursor += rng.float(500, 20_000);
        emit({ type: 'auth_failure', ...base(cursor) }, truth);
      }
      return cursor;
    }
    case 'api_call_burst': {
      const n = 21 + rng.int(0, 24);
      const maxGap = 55_000 / n;
      for (let i = 0; i < n; i++) {
        if (i > 0) cursor += rng.float(50, maxGap);
        emit({ type: 'api_call', ...base(cursor), endpoint: rng.pick(ENDPOINTS) }, truth);
      }
      return cursor;
    }
  }
}

function weighted<T>(rng: Rng, mix: ReadonlyArray<[T, number]>): T {
  let x = rng.next();
  for (const [item, w] of mix) {
    if (x < w) return item;
    x -= w;
  }
  return mix[mix.length - 1]![0];
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
const cents = (x: number) => Math.max(0.01, Math.round(x * 100) / 100);
const tenths = (x: number) => Math.round(x * 10) / 10;
const ip = (rng: Rng) =>
  `${1 + rng.int(0, 222)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${1 + rng.int(0, 253)}`;
