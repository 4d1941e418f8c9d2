import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config';
import { initialProfile, loadProfile } from '../../../src/detection/profile';
import { withCaseClosed, withOpenCase } from '../../../src/cases/routing';
import { alertIdFor, evaluate, evaluateBatch } from '../../../src/detection/rules';
import { Alert, type TelemetryEvent } from '../../../src/detection/schema';
import { severityForRatio } from '../../../src/detection/severity';
import { DEFAULT_RULE_SETTINGS, ruleSettingsFrom } from '../../../src/detection/settings';
import { Rng } from '../../../src/shared/prng';
import profileV1 from './fixtures/profile-v1.json';
import { CUSTOMER, T0, apiCall, at, authFailure, login, purchase, run, usage } from './builders';

const rulesOf = (events: readonly TelemetryEvent[], opts?: Parameters<typeof run>[1]) =>
  run(events, opts).alerts.map((a) => a.rule);
/** The rules the last event raises, after the earlier ones were evaluated (dedup off, to isolate it). */
const rulesOfLast = (events: readonly TelemetryEvent[], opts: Parameters<typeof run>[1] = {}) => {
  const settings = { dedupSeconds: 0, ...opts.settings };
  const before = run(events.slice(0, -1), { ...opts, settings });
  return run(events.slice(-1), { ...opts, settings, state: before.state }).alerts.map((a) => a.rule);
};

describe('settings', () => {
  it('maps the default app settings onto the reference thresholds', () => {
    expect(ruleSettingsFrom(loadConfig({}))).toEqual(DEFAULT_RULE_SETTINGS);
  });

  it('refuses a burst count the bounded state cannot hold, naming the setting', () => {
    const cfg = { ...loadConfig({}), RULE_API_BURST_COUNT: 5000 };
    expect(() => ruleSettingsFrom(cfg)).toThrow(/RULE_API_BURST_COUNT=5000 is too large/);
  });
});

describe('transaction_burst (card testing: 8 or more purchases within 600 s, inclusive)', () => {
  const purchases = (n: number, spanSeconds: number) =>
    Array.from({ length: n }, (_, i) => purchase((spanSeconds * i) / Math.max(1, n - 1), 2));
  it.each([
    { n: 7, span: 60, flagged: false },
    { n: 8, span: 600, flagged: true },
    { n: 8, span: 600.001, flagged: false },
    { n: 30, span: 50, flagged: true },
  ])('$n purchases over $span s → flagged: $flagged', ({ n, span, flagged }) => {
    expect(rulesOf(purchases(n, span), { baseline: { avgTransaction: 50 } })).toEqual(
      flagged ? ['transaction_burst'] : [],
    );
  });

  it('grades severity by how far past the count the burst goes, and a large purchase still alerts as large', () => {
    const r = run(purchases(24, 200), { baseline: { avgTransaction: 50 }, settings: { dedupSeconds: 0 } });
    expect(r.alerts[0]).toMatchObject({ rule: 'transaction_burst', severity: 'medium' });
    // The window keeps at most 2 × count + 1 times, so a burst grades up to high.
    expect(r.alerts.at(-1)).toMatchObject({ rule: 'transaction_burst', severity: 'high' });
    const big = run([...purchases(8, 100), purchase(101, 5000)], { baseline: { avgTransaction: 50 } });
    expect(big.alerts.map((a) => a.rule)).toEqual(['transaction_burst', 'large_transaction']);
  });

  it('loads a stored v1 profile that predates the purchase window', () => {
    const { purchases: _drop, ...old } = run(purchases(3, 10)).state;
    const r = run(purchases(8, 100), { state: loadProfile(old, CUSTOMER), baseline: { avgTransaction: 50 } });
    expect(r.alerts.map((a) => a.rule)).toEqual(['transaction_burst']);
  });
});

describe('new_country_login (reference: new country within 7,200 s of a login elsewhere, inclusive)', () => {
  it.each([
    { gap: 60, flagged: true },
    { gap: 7199, flagged: true },
    { gap: 7200, flagged: true },
    { gap: 7200.001, flagged: false },
    { gap: 7201, flagged: false },
  ])('a login from FR $gap s after a login from US → flagged: $flagged', ({ gap, flagged }) => {
    expect(rulesOf([login(0, 'US'), login(gap, 'FR')])).toEqual(flagged ? ['new_country_login'] : []);
  });

  it.each([
    { name: 'the first login ever (nothing to compare with)', events: [login(0, 'FR')], baseline: undefined },
    {
      name: 'a country among the last 10 logins',
      events: [login(0, 'FR'), login(100, 'US'), login(200, 'FR')],
      baseline: undefined,
    },
    {
      name: "one of the customer's home countries",
      events: [login(0, 'US'), login(60, 'CA')],
      baseline: { homeCountries: ['US', 'CA'] },
    },
    { name: 'the same country again', events: [login(0, 'US'), login(60, 'US')], baseline: undefined },
  ])('does not flag $name', ({ events, baseline }) => {
    expect(rulesOfLast(events, { baseline })).toEqual([]);
  });

  it('forgets countries older than the last 10 logins', () => {
    const events = [
      login(0, 'FR'),
      ...Array.from({ length: 10 }, (_, i) => login(10 + i, 'US')),
      login(100, 'FR'),
    ];
    expect(rulesOfLast(events)).toEqual(['new_country_login']);
    expect(rulesOfLast([...events.slice(0, 1), ...events.slice(2)])).toEqual([]);
  });

  it('flags a failed login from a new country as medium and keeps it out of the login history', () => {
    const r = run([login(0, 'US'), login(60, 'RU', false)]);
    expect(r.alerts.map((a) => a.severity)).toEqual(['medium']);
    expect(r.state.logins.map((l) => l.country)).toEqual(['US']);
  });

  it('flags a successful login from a new country as high', () => {
    expect(run([login(0, 'US'), login(60, 'RU')]).alerts[0]?.severity).toBe('high');
  });
});

describe('large_transaction (> 3× the average, strict)', () => {
  it.each([
    { amount: 299.99, flagged: false },
    { amount: 300, flagged: false },
    { amount: 300.01, flagged: true },
    { amount: 449.99, flagged: true, severity: 'medium' },
    { amount: 450, flagged: true, severity: 'high' },
    { amount: 900, flagged: true, severity: 'critical' },
  ])('$amount against a $100 baseline → flagged: $flagged', ({ amount, flagged, severity }) => {
    const r = run([purchase(0, amount)], { baseline: { avgTransaction: 100 } });
    expect(r.alerts.map((a) => a.rule)).toEqual(flagged ? ['large_transaction'] : []);
    if (severity) expect(r.alerts[0]?.severity).toBe(severity);
  });

  it('waits for the minimum sample count when there is no baseline', () => {
    const learning = [1, 2, 3, 4].map((i) => purchase(i, 100));
    expect(rulesOf([...learning, purchase(10, 1000)])).toEqual([]);
    expect(rulesOf([...learning, purchase(5, 100), purchase(10, 1000)])).toEqual(['large_transaction']);
  });

  it('does not learn from a flagged amount, so repeated fraud keeps being flagged', () => {
    const r = run([purchase(0, 1000), purchase(120, 1000), purchase(240, 1000)], {
      baseline: { avgTransaction: 100 },
    });
    expect(r.alerts).toHaveLength(3);
    expect(r.state.transaction?.mean).toBe(100);
  });

  it('learns from normal amounts as a running average', () => {
    const r = run([purchase(0, 100), purchase(1, 200), purchase(2, 300)]);
    expect(r.state.transaction).toEqual({ mean: 200, n: 3, seeded: false });
  });
});

describe('data_usage_spike (> 4× the daily average, strict)', () => {
  it.each([
    { mb: 4000, flagged: false },
    { mb: 4000.1, flagged: true },
  ])('$mb MB against a 1,000 MB daily baseline → flagged: $flagged', ({ mb, flagged }) => {
    expect(rulesOf([usage(0, mb)], { baseline: { avgDailyMb: 1000 } })).toEqual(
      flagged ? ['data_usage_spike'] : [],
    );
  });

  it('never fires on a learned average of zero', () => {
    expect(rulesOf([0, 1, 2, 3, 4, 5].map((i) => usage(i, 0)).concat(usage(9, 50)))).toEqual([]);
  });
});

describe('auth_failure_burst (≥ 3 within 300 s, inclusive)', () => {
  it.each([
    { times: [0, 150], flagged: false },
    { times: [0, 150, 299], flagged: true },
    { times: [0, 150, 300], flagged: true },
    { times: [0, 150, 300.001], flagged: false },
    { times: [0, 150, 301], flagged: false },
    { times: [0, 200, 400, 450], flagged: true },
  ])('failures at $times s → flagged: $flagged', ({ times, flagged }) => {
    expect(rulesOf(times.map(authFailure))).toEqual(flagged ? ['auth_failure_burst'] : []);
  });
});

describe('api_call_burst (> 20 within 60 s, inclusive)', () => {
  const calls = (n: number, spanSeconds: number) =>
    Array.from({ length: n }, (_, i) => apiCall((i * spanSeconds) / (n - 1)));
  it.each([
    { n: 20, span: 60, flagged: false },
    { n: 20, span: 1, flagged: false },
    { n: 21, span: 60, flagged: true },
    { n: 21, span: 60.001, flagged: false },
    { n: 21, span: 10, flagged: true },
  ])('$n calls spread over $span s → flagged: $flagged', ({ n, span, flagged }) => {
    expect(rulesOf(calls(n, span))).toEqual(flagged ? ['api_call_burst'] : []);
  });

  it('scales severity with the size of the burst', () => {
    expect(run(calls(21, 10)).alerts[0]?.severity).toBe('medium');
    expect(run(calls(45, 10), { settings: { dedupSeconds: 0 } }).alerts.at(-1)?.severity).toBe('high');
  });
});

describe('dedup per customer and rule', () => {
  it.each([
    { second: 59, alerts: 1, suppressed: 1 },
    { second: 59.999, alerts: 1, suppressed: 1 },
    { second: 60, alerts: 2, suppressed: 0 },
    { second: 61, alerts: 2, suppressed: 0 },
  ])(
    'a second large transaction $second s after the first → $alerts alert(s)',
    ({ second, alerts, suppressed }) => {
      const r = run([purchase(0, 1000), purchase(second, 1000)], { baseline: { avgTransaction: 100 } });
      expect(r.alerts).toHaveLength(alerts);
      expect(r.suppressed).toHaveLength(suppressed);
      expect(r.state.suppressed.large_transaction ?? 0).toBe(suppressed);
    },
  );

  it('anchors on the emitted alert, so a continuous attack alerts once per window', () => {
    const r = run(
      [0, 30, 59, 60, 90, 119, 120].map((s) => purchase(s, 1000)),
      { baseline: { avgTransaction: 100 } },
    );
    expect(r.alerts.map((a) => a.detectedAt)).toEqual([at(0), at(60), at(120)]);
    expect(r.state.suppressed.large_transaction).toBe(4);
  });

  it('keeps rules independent', () => {
    const r = run([purchase(0, 1000), usage(1, 99_999), login(2, 'US'), login(3, 'RU')], {
      baseline: { avgTransaction: 100, avgDailyMb: 1000 },
    });
    expect(r.alerts.map((a) => a.rule)).toEqual([
      'large_transaction',
      'data_usage_spike',
      'new_country_login',
    ]);
  });

  it('suppresses nothing when the dedup window is 0', () => {
    expect(
      run([purchase(0, 1000), purchase(0, 1000)], {
        baseline: { avgTransaction: 100 },
        settings: { dedupSeconds: 0 },
      }).alerts,
    ).toHaveLength(2);
  });
});

describe('out-of-order events', () => {
  it('counts a late auth failure that completes a burst with newer failures', () => {
    const r = run([authFailure(0), authFailure(100), authFailure(50)]);
    expect(r.alerts.map((a) => [a.rule, a.detectedAt])).toEqual([['auth_failure_burst', at(50)]]);
  });

  it('ignores for the window rule, and counts, an event older than the newest minus the window', () => {
    const r = run([apiCall(1000), authFailure(1000), authFailure(1001), authFailure(600)]);
    expect(r.alerts).toEqual([]);
    expect(r.state.lateEvents).toBe(1);
    expect(r.state.authFailures).toEqual([T0 + 1_000_000, T0 + 1_001_000]);
  });

  it('compares a late login with logins on either side and files it by time', () => {
    const r = run([login(0, 'US'), login(7000, 'US'), login(3600, 'RU')]);
    expect(r.alerts.map((a) => a.rule)).toEqual(['new_country_login']);
    expect(r.alerts[0]?.description).toContain('before a login from US');
    expect(r.state.logins.map((l) => l.country)).toEqual(['US', 'RU', 'US']);
  });

  it('suppresses a late alert close to a newer one (|Δt| < dedup)', () => {
    const r = run([purchase(100, 1000), purchase(50, 1000)], { baseline: { avgTransaction: 100 } });
    expect(r.alerts).toHaveLength(1);
    expect(r.state.lastAlertAt.large_transaction).toBe(T0 + 100_000);
  });

  it('evaluateBatch gives the same alerts whatever order the batch lists its events in', () => {
    const events = [
      login(0, 'US'),
      authFailure(10),
      authFailure(20),
      login(30, 'RU'),
      authFailure(40),
      purchase(50, 2000),
    ];
    const settings = DEFAULT_RULE_SETTINGS;
    const baseline = { avgTransaction: 100 };
    const inOrder = evaluateBatch(initialProfile(CUSTOMER), events, settings, baseline);
    const rng = new Rng(7);
    for (let k = 0; k < 20; k++) {
      const shuffled = [...events].sort(() => rng.next() - 0.5);
      const r = evaluateBatch(initialProfile(CUSTOMER), shuffled, settings, baseline);
      expect(r.alerts).toEqual(inOrder.alerts);
      expect(r.state).toEqual(inOrder.state);
    }
    expect(inOrder.alerts.map((a) => a.rule)).toEqual([
      'new_country_login',
      'auth_failure_burst',
      'large_transaction',
    ]);
  });
});

describe('alert ids', () => {
  it('are <customerId>-<rule>-<compact UTC time> and the same for the same instant in any offset', () => {
    const viaZ = run([
      authFailure(0),
      authFailure(1),
      { type: 'auth_failure', customerId: CUSTOMER, timestamp: '2026-01-01T12:00:02Z' },
    ]);
    const viaOffset = run([
      authFailure(0),
      authFailure(1),
      { type: 'auth_failure', customerId: CUSTOMER, timestamp: '2026-01-01T14:00:02+02:00' },
    ]);
    expect(viaZ.alerts[0]?.alertId).toBe('C001-auth_failure_burst-20260101T120002000Z');
    expect(viaOffset.alerts[0]?.alertId).toBe(viaZ.alerts[0]?.alertId);
  });

  it('are identical when the same events are replayed', () => {
    const events = [login(0, 'US'), login(10, 'RU'), purchase(20, 5000), ...[30, 31, 32].map(authFailure)];
    const first = run(events, { baseline: { avgTransaction: 100 } }).alerts.map((a) => a.alertId);
    const replay = run(events, { baseline: { avgTransaction: 100 } }).alerts.map((a) => a.alertId);
    expect(first).toHaveLength(3);
    expect(replay).toEqual(first);
  });

  it('stay within the Alert schema limit for the longest customer ids, deterministically', () => {
    const long = 'x'.repeat(64);
    const id = alertIdFor(long, 'auth_failure_burst', T0);
    expect(id.length).toBeLessThanOrEqual(100);
    expect(alertIdFor(long, 'auth_failure_burst', T0)).toBe(id);
    expect(alertIdFor(long, 'auth_failure_burst', T0 + 1)).not.toBe(id);
  });

  it('produce drafts that satisfy the Alert schema', () => {
    const r = run([login(0, 'US'), login(10, 'RU')]);
    expect(Alert.safeParse(r.alerts[0]).success).toBe(true);
  });
});

describe('severity', () => {
  it.each([
    { ratio: 1.01, severity: 'medium' },
    { ratio: 1.49, severity: 'medium' },
    { ratio: 1.5, severity: 'high' },
    { ratio: 2.99, severity: 'high' },
    { ratio: 3, severity: 'critical' },
  ])('ratio $ratio → $severity', ({ ratio, severity }) => {
    expect(severityForRatio(ratio)).toBe(severity);
  });
});

describe('profile state', () => {
  it('stays tiny after 100,000 events of every kind', () => {
    const rng = new Rng(1);
    const kinds = [
      (s: number) =>
        login(s, rng.pick(['US', 'FR', 'RU', 'CN', 'BR', 'JP', 'DE', 'GB', 'IN', 'NG', 'ZA', 'AU'])),
      (s: number) => purchase(s, 1 + rng.next() * 5000),
      (s: number) => usage(s, rng.next() * 100_000),
      authFailure,
      apiCall,
    ];
    let state = initialProfile(CUSTOMER);
    let maxBytes = 0;
    for (let i = 0; i < 100_000; i++) {
      state = evaluate(state, rng.pick(kinds)(i * 0.5 + rng.next() * 30), DEFAULT_RULE_SETTINGS).state;
      if (i % 1000 === 0) maxBytes = Math.max(maxBytes, JSON.stringify(state).length);
    }
    expect(state.logins.length).toBeLessThanOrEqual(10);
    expect(state.apiCalls.length).toBeLessThanOrEqual(DEFAULT_RULE_SETTINGS.apiBurstCount * 2 + 2);
    expect(state.authFailures.length).toBeLessThanOrEqual(DEFAULT_RULE_SETTINGS.authFailureCount * 2 + 1);
    expect(maxBytes).toBeLessThan(2048);
  });

  it('reads the v1 fixture unchanged', () => {
    expect(loadProfile(profileV1, 'C001')).toEqual(profileV1);
  });

  it('starts fresh when nothing is stored and refuses an unknown version loudly', () => {
    expect(loadProfile(undefined, 'C9')).toEqual(initialProfile('C9'));
    expect(() => loadProfile({ schemaVersion: 2 }, 'C9')).toThrow(/unsupported schemaVersion 2/);
    expect(() => loadProfile({ schemaVersion: 1, customerId: 'C9' }, 'C9')).toThrow(/invalid state/);
  });

  it('round-trips through JSON (entity persistence) without changing decisions', () => {
    const events = [
      login(0, 'US'),
      authFailure(1),
      authFailure(2),
      purchase(3, 100),
      login(4, 'RU'),
      authFailure(5),
    ];
    const direct = run(events);
    const half = run(events.slice(0, 3));
    const resumed = run(events.slice(3), { state: JSON.parse(JSON.stringify(half.state)) });
    expect([...half.alerts, ...resumed.alerts]).toEqual(direct.alerts);
    expect(resumed.state).toEqual(direct.state);
  });

  it('tracks the open case and ignores a close for another case', () => {
    const open = withOpenCase(initialProfile(CUSTOMER), 'case-1');
    expect(withCaseClosed(open, 'case-0').openCaseId).toBe('case-1');
    expect(withCaseClosed(open, 'case-1').openCaseId).toBeNull();
  });

  it('rejects an event for another customer', () => {
    expect(() => evaluate(initialProfile('C002'), login(0, 'US'), DEFAULT_RULE_SETTINGS)).toThrow(/C001/);
  });
});
