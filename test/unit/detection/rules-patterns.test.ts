import { describe, expect, it } from 'vitest';
import { classifyEndpoint } from '../../../src/detection/endpoints';
import { loadProfile } from '../../../src/detection/profile';
import type { AccountChangeKind, TelemetryEvent } from '../../../src/detection/schema';
import { at, CUSTOMER, login, run } from './builders';

/** The pattern rules added after the reference set: slow-burn exports, cramming, takeover chains. */
const HOUR = 3600;
const call = (seconds: number, endpoint: string): TelemetryEvent => ({
  type: 'api_call',
  customerId: CUSTOMER,
  timestamp: at(seconds),
  endpoint,
  ip: '198.51.100.9',
});
const charge = (seconds: number, merchant: string, amount = 14.99): TelemetryEvent => ({
  type: 'transaction',
  customerId: CUSTOMER,
  timestamp: at(seconds),
  amount,
  merchant,
});
const change = (seconds: number, kind: AccountChangeKind): TelemetryEvent => ({
  type: 'account_change',
  customerId: CUSTOMER,
  timestamp: at(seconds),
  change: kind,
});
const deviceLogin = (seconds: number, device: string): TelemetryEvent => ({
  ...(login(seconds, 'US') as Extract<TelemetryEvent, { type: 'login' }>),
  device,
});
const rules = (r: ReturnType<typeof run>) => r.alerts.map((a) => a.rule);

describe('bulk-data endpoints are classified by what they do, not by a list', () => {
  it.each([
    ['/v1/account/export', 'bulk_data'],
    ['/v2/customers/me/export', 'bulk_data'],
    ['/download', 'bulk_data'],
    ['/v3/dump?format=csv', 'bulk_data'],
    ['/api/backup', 'bulk_data'],
    ['/bulk/contacts', 'bulk_data'],
    ['/v1/call-records', 'bulk_data'],
    ['/v1/balance', 'other'],
    ['/v1/usage/live', 'other'],
    ['/v1/payments/authorize', 'other'],
    ['/v1/exporter-settings', 'other'],
  ])('%s → %s', (endpoint, kind) => expect(classifyEndpoint(endpoint)).toBe(kind));
});

describe('export_volume (40 or more bulk-data calls within 6 h, and 3× the busiest day)', () => {
  // Two calls a minute: never a per-minute burst, but an export trickling out for hours.
  const trickle = (n: number, endpoint = '/v2/customers/me/export') =>
    Array.from({ length: n }, (_, i) => call(i * 30, endpoint));
  it.each([
    { n: 39, flagged: false },
    { n: 40, flagged: true },
  ])('$n slow calls → flagged: $flagged', ({ n, flagged }) => {
    expect(rules(run(trickle(n)))).toEqual(flagged ? ['export_volume'] : []);
  });

  it('is high at least, alerts once per window, and ignores ordinary endpoints', () => {
    const r = run(trickle(200), { settings: { dedupSeconds: 0 } });
    expect(r.alerts).toHaveLength(1);
    expect(r.alerts[0]).toMatchObject({ rule: 'export_volume', severity: 'high' });
    expect(rules(run(trickle(200, '/v1/usage/summary')))).toEqual([]);
  });

  it('weighs the customer’s own busiest export day: 3× of 20 is the bar, not 40', () => {
    expect(rules(run(trickle(59), { baseline: { bulkCallsPerDay: 20 } }))).toEqual([]);
    expect(rules(run(trickle(60), { baseline: { bulkCallsPerDay: 20 } }))).toEqual(['export_volume']);
  });

  it('does not count calls spread wider than the window', () => {
    const spread = Array.from({ length: 80 }, (_, i) => call(i * 600, '/download'));
    expect(rules(run(spread))).toEqual([]);
  });
});

describe('cramming (3 charges ≤ $60 from never-used merchants within 6 h)', () => {
  const usual = { merchants: ['Contoso Market', 'Northwind Coffee'], avgTransaction: 40 };
  it('flags the third small charge from merchants the customer never used, within hours', () => {
    const r = run([charge(0, 'StarQuiz SMS'), charge(HOUR, 'RingMania'), charge(2 * HOUR, 'StarQuiz SMS')], {
      baseline: usual,
    });
    expect(r.alerts.map((a) => [a.rule, a.severity])).toEqual([['cramming', 'medium']]);
  });

  it.each([
    { name: 'at the usual merchants', events: [0, 1, 2].map((h) => charge(h * HOUR, 'Contoso Market')) },
    { name: 'spread over more than 6 h', events: [0, 4, 8].map((h) => charge(h * HOUR, `Shop ${h}`)) },
    { name: 'large (not a small charge)', events: [0, 1, 2].map((h) => charge(h * HOUR, `Shop ${h}`, 99)) },
  ])('does not flag charges $name', ({ events }) => {
    expect(rules(run(events, { baseline: usual }))).toEqual([]);
  });

  it('judges a customer unknown to the dataset only once its own earlier shops are known', () => {
    const fresh = [charge(0, 'A'), charge(60, 'B'), charge(120, 'C')];
    expect(rules(run(fresh))).toEqual([]);
    const later = [charge(0, 'Own Shop'), ...[0, 1, 2].map((h) => charge(10 * HOUR + h * HOUR, `New ${h}`))];
    expect(rules(run(later))).toEqual(['cramming']);
  });
});

describe('security_change_chain (3 different security changes within 24 h)', () => {
  it('flags a slow takeover: password, then MFA off, then e-mail, hours apart', () => {
    const r = run([
      change(0, 'password_change'),
      change(5 * HOUR, 'mfa_disabled'),
      change(11 * HOUR, 'email_change'),
    ]);
    expect(r.alerts.map((a) => [a.rule, a.severity])).toEqual([['security_change_chain', 'high']]);
  });

  it('counts a new device signing in as a link, once the customer has a known device', () => {
    const events = [
      deviceLogin(0, 'own-phone'),
      change(HOUR, 'password_change'),
      change(2 * HOUR, 'address_change'),
      deviceLogin(3 * HOUR, 'stranger'),
    ];
    expect(rules(run(events))).toEqual(['security_change_chain']);
  });

  it.each([
    { name: 'one change repeated', events: [0, 1, 2].map((h) => change(h * HOUR, 'password_change')) },
    {
      name: 'changes more than 24 h apart',
      events: [
        change(0, 'password_change'),
        change(13 * HOUR, 'email_change'),
        change(26 * HOUR, 'sim_change'),
      ],
    },
    {
      name: 'a new phone: registered, SIM moved, signing in',
      events: [change(0, 'device_registered'), change(60, 'sim_change'), deviceLogin(120, 'new-phone')],
    },
    { name: 'MFA switched on', events: [change(0, 'mfa_enabled'), change(60, 'password_change')] },
  ])('does not flag $name', ({ events }) => {
    expect(rules(run(events, { baseline: { devices: ['new-phone'] } }))).toEqual([]);
  });

  it('loads a stored v1 profile that predates these rules', () => {
    const {
      changes: _c,
      merchants: _m,
      exports: _e,
      devices: _d,
      strangeCharges: _s,
      ...old
    } = run([change(0, 'password_change')]).state;
    const r = run(
      [change(HOUR, 'mfa_downgraded'), change(2 * HOUR, 'sim_change'), change(3 * HOUR, 'email_change')],
      {
        state: loadProfile(old, CUSTOMER),
      },
    );
    expect(rules(r)).toEqual(['security_change_chain']);
  });
});
