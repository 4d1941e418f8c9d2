import { initialProfile, type ProfileState } from '../../../src/detection/profile';
import { evaluate, type AlertDraft, type CustomerBaseline } from '../../../src/detection/rules';
import type { TelemetryEvent } from '../../../src/detection/schema';
import { DEFAULT_RULE_SETTINGS, type RuleSettings } from '../../../src/detection/settings';
import type { SimCustomer } from '../../../src/detection/simulator';

/** Small builders so each rule test reads as a timeline: seconds after T0, then the event. */
export const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
export const at = (seconds: number) => new Date(T0 + Math.round(seconds * 1000)).toISOString();
export const CUSTOMER = 'C001';

const base = (seconds: number) => ({ customerId: CUSTOMER, timestamp: at(seconds) });
export const login = (seconds: number, country: string, success = true): TelemetryEvent => ({
  type: 'login',
  ...base(seconds),
  country,
  ip: '203.0.113.7',
  success,
});
export const purchase = (seconds: number, amount: number): TelemetryEvent => ({
  type: 'transaction',
  ...base(seconds),
  amount,
  merchant: 'Contoso Mobile Store',
});
export const usage = (seconds: number, mb: number): TelemetryEvent => ({
  type: 'data_usage',
  ...base(seconds),
  mb,
});
export const authFailure = (seconds: number): TelemetryEvent => ({ type: 'auth_failure', ...base(seconds) });
export const apiCall = (seconds: number): TelemetryEvent => ({
  type: 'api_call',
  ...base(seconds),
  endpoint: '/v1/usage',
});

export interface Run {
  state: ProfileState;
  alerts: AlertDraft[];
  suppressed: string[];
}

/** Feeds events one by one, in the order given, through `evaluate`. */
export function run(
  events: readonly TelemetryEvent[],
  opts: { settings?: Partial<RuleSettings>; baseline?: CustomerBaseline; state?: ProfileState } = {},
): Run {
  const settings = { ...DEFAULT_RULE_SETTINGS, ...opts.settings };
  let state = opts.state ?? initialProfile(CUSTOMER);
  const alerts: AlertDraft[] = [];
  const suppressed: string[] = [];
  for (const event of events) {
    const r = evaluate(state, event, settings, opts.baseline);
    state = r.state;
    alerts.push(...r.alerts);
    suppressed.push(...r.suppressed);
  }
  return { state, alerts, suppressed };
}

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
/** A deterministic customer list shaped like the Contoso dataset (which another module owns). */
export function customers(n: number): SimCustomer[] {
  return Array.from({ length: n }, (_, i) => ({
    customerId: `C${String(i + 1).padStart(4, '0')}`,
    homeCountries: HOMES[i % HOMES.length]!,
    avgTransaction: 55 + ((i * 37) % 146),
    avgDailyMb: 800 + ((i * 211) % 2201),
  }));
}
