import { describe, expect, it } from 'vitest';
import type { Explanation } from '../../../src/investigation/types';
import { clearanceFor, isElevated, type PolicyAlert } from '../../../src/review/policy-autoclear';
import { needsReview } from '../../../src/review/policy';

const alert = (alertId: string, rule: PolicyAlert['rule'], severity: PolicyAlert['severity'] = 'high') => ({
  alertId,
  rule,
  severity,
});
const notice = (covers: string[]): Explanation => ({
  kind: 'travel_notice',
  ref: 'TN-C012-1',
  detail: 'Travel notice for FR, 2026-03-01..2026-03-09',
  covers,
});
const input = (over: Partial<Parameters<typeof clearanceFor>[0]> = {}) => ({
  riskScore: 0.3,
  degraded: false,
  threshold: 0.6,
  alerts: [alert('a1', 'new_country_login')],
  explanations: [],
  ...over,
});

describe('the auto-clear policy', () => {
  it('clears a single non-critical alert below the threshold on the score alone', () => {
    const c = clearanceFor(input());
    expect(c).toMatchObject({ autoClear: true, elevated: false });
    expect(c.reason).toMatch(/Risk 0\.30 is below the threshold 0\.6 on a single non-critical signal\./);
  });

  it.each([
    { risk: 0.59, autoClear: true },
    { risk: 0.6, autoClear: false },
    { risk: 0.61, autoClear: false },
  ])('risk $risk against threshold 0.6 → autoClear $autoClear', ({ risk, autoClear }) => {
    expect(clearanceFor(input({ riskScore: risk })).autoClear).toBe(autoClear);
  });

  it('never clears a degraded round or an unreadable score, whatever the explanations', () => {
    expect(clearanceFor(input({ degraded: true, explanations: [notice(['a1'])] })).autoClear).toBe(false);
    expect(clearanceFor(input({ riskScore: Number.NaN })).autoClear).toBe(false);
  });

  it('holds a critical alert below the threshold unless an explanation covers it', () => {
    const critical = [alert('a1', 'large_transaction', 'critical')];
    const held = clearanceFor(input({ alerts: critical }));
    expect(held).toMatchObject({ autoClear: false, elevated: true, unexplained: ['large_transaction a1'] });
    expect(held.reason).toMatch(/a critical alert fired \(large_transaction\).*no benign explanation/);
    const explained = clearanceFor(input({ alerts: critical, explanations: [notice(['a1'])] }));
    expect(explained).toMatchObject({ autoClear: true, elevated: true });
    expect(explained.reason).toMatch(/explained by travel notice TN-C012-1/);
  });

  it('holds two corroborating rules until every alert is explained, and says which are not', () => {
    const two = [alert('a1', 'auth_failure_burst', 'medium'), alert('a2', 'new_country_login', 'high')];
    expect(clearanceFor(input({ alerts: two })).autoClear).toBe(false);
    const half = clearanceFor(input({ alerts: two, explanations: [notice(['a2'])] }));
    expect(half).toMatchObject({ autoClear: false, unexplained: ['auth_failure_burst a1'] });
    expect(half.reason).toMatch(/2 rules corroborate \(auth_failure_burst, new_country_login\)/);
    const reset: Explanation = { kind: 'self_service_reset', ref: 'dev-1a2b', detail: '', covers: ['a1'] };
    expect(clearanceFor(input({ alerts: two, explanations: [notice(['a2']), reset] })).autoClear).toBe(true);
  });

  it('counts two alerts of the same rule as one signal, not corroboration', () => {
    const same = [alert('a1', 'large_transaction', 'high'), alert('a2', 'large_transaction', 'medium')];
    expect(isElevated(same)).toBe(false);
    expect(clearanceFor(input({ alerts: same })).autoClear).toBe(true);
  });

  it('does not let a manual alert corroborate, but a critical manual alert is elevated', () => {
    expect(isElevated([alert('m', 'manual', 'high'), alert('a1', 'large_transaction')])).toBe(false);
    expect(isElevated([alert('m', 'manual', 'critical')])).toBe(true);
  });

  it('ignores explanations that cover none of the case alerts', () => {
    const c = clearanceFor(
      input({ alerts: [alert('a1', 'data_usage_spike', 'critical')], explanations: [notice(['other'])] }),
    );
    expect(c).toMatchObject({ autoClear: false, explanations: [] });
  });

  it('counts a repeated alert id once', () => {
    const c = clearanceFor(
      input({ alerts: [alert('a1', 'new_country_login'), alert('a1', 'new_country_login')] }),
    );
    expect(c).toMatchObject({ autoClear: true, elevated: false });
  });

  it('is what needsReview obeys when the round carries it', () => {
    const held = clearanceFor(input({ alerts: [alert('a1', 'large_transaction', 'critical')] }));
    const round = { riskScore: 0.3, degraded: false, findings: [{ degraded: false }], clearance: held };
    expect(needsReview(round, 0.6)).toBe(true);
    expect(needsReview({ ...round, clearance: { ...held, autoClear: true } }, 0.6)).toBe(false);
    expect(needsReview({ ...round, clearance: { ...held, autoClear: true }, riskScore: 0.7 }, 0.6)).toBe(
      true,
    );
  });
});
