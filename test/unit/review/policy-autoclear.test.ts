import { describe, expect, it } from 'vitest';
import type { Explanation } from '../../../src/investigation/types';
import {
  clearanceFor,
  EXPLAINS,
  isElevated,
  type PolicyAlert,
  type PolicyFinding,
} from '../../../src/review/policy-autoclear';
import { needsReview } from '../../../src/review/policy';
import { RuleName } from '../../../src/detection/schema';

const alert = (alertId: string, rule: PolicyAlert['rule'], severity: PolicyAlert['severity'] = 'high') => ({
  alertId,
  rule,
  severity,
});
const explanation = (kind: Explanation['kind'], ref: string, covers: string[]): Explanation => ({
  kind,
  ref,
  detail: '',
  covers,
});
const notice = (covers: string[]) => explanation('travel_notice', 'TN-C012-1', covers);
const finding = (specialist: PolicyFinding['specialist'], riskScore: number, degraded = false) => ({
  specialist,
  riskScore,
  degraded,
});
const input = (over: Partial<Parameters<typeof clearanceFor>[0]> = {}) => ({
  riskScore: 0.3,
  degraded: false,
  threshold: 0.6,
  alerts: [alert('a1', 'new_country_login', 'medium')],
  explanations: [],
  findings: [finding('usage', 0.1), finding('location', 0.4), finding('billing', 0.1)],
  ...over,
});

describe('the auto-clear policy', () => {
  it('clears a single medium alert below the threshold on the score alone', () => {
    const c = clearanceFor(input());
    expect(c).toMatchObject({ autoClear: true, elevated: false, coverage: [] });
    expect(c.reason).toMatch(/Risk 0\.30 is below the threshold 0\.6 on medium or low signals only\./);
  });

  it.each([
    { risk: 0.59, autoClear: true },
    { risk: 0.6, autoClear: false },
    { risk: 0.61, autoClear: false },
  ])('R2: risk $risk against threshold 0.6 → autoClear $autoClear', ({ risk, autoClear }) => {
    expect(clearanceFor(input({ riskScore: risk })).autoClear).toBe(autoClear);
  });

  it('R1: never clears a degraded round or an unreadable score, whatever the explanations', () => {
    expect(clearanceFor(input({ degraded: true, explanations: [notice(['a1'])] })).autoClear).toBe(false);
    expect(clearanceFor(input({ riskScore: Number.NaN })).autoClear).toBe(false);
  });

  it.each([
    { score: 0.59, autoClear: true },
    { score: 0.6, autoClear: false },
    { score: 0.65, autoClear: false },
  ])(
    'R3: one specialist at $score under a diluted aggregate 0.49 → autoClear $autoClear',
    ({ score, autoClear }) => {
      const c = clearanceFor(
        input({ riskScore: 0.49, findings: [finding('usage', 0.05), finding('location', score)] }),
      );
      expect(c.autoClear).toBe(autoClear);
      if (!autoClear) expect(c.reason).toMatch(new RegExp(`location found ${score.toFixed(2)}`));
    },
  );

  it('R3: a strong finding holds the case even when every alert is explained (it is scored after them)', () => {
    const c = clearanceFor(
      input({
        riskScore: 0.56,
        alerts: [alert('r1', 'large_transaction', 'medium')],
        findings: [finding('billing', 0.75)],
        explanations: [explanation('usual_merchant', 'Contoso Market', ['r1'])],
      }),
    );
    expect(c.autoClear).toBe(false);
  });

  it('R3: a degraded finding is not evidence of strength, but R1 already holds its round', () => {
    const c = clearanceFor(input({ degraded: true, findings: [finding('location', 0.9, true)] }));
    expect(c.reason).toMatch(/degraded/);
  });

  it.each(['high', 'critical'] as const)(
    'R4: holds a %s alert below the threshold until an explanation that can explain it covers it',
    (severity) => {
      const big = [alert('a1', 'large_transaction', severity)];
      const held = clearanceFor(input({ alerts: big }));
      expect(held).toMatchObject({ autoClear: false, elevated: true, unexplained: ['large_transaction a1'] });
      expect(held.reason).toMatch(new RegExp(`a ${severity} alert fired \\(large_transaction\\)`));
      const merchant = explanation('usual_merchant', 'Fabrikam Electronics', ['a1']);
      const cleared = clearanceFor(input({ alerts: big, explanations: [merchant] }));
      expect(cleared).toMatchObject({
        autoClear: true,
        coverage: [{ alertId: 'a1', rule: 'large_transaction', by: 'usual_merchant Fabrikam Electronics' }],
      });
      expect(cleared.reason).toMatch(/large_transaction explained by the customer's own history/);
    },
  );

  it('R4: a medium alert needs no explanation unless two rules corroborate', () => {
    expect(isElevated([alert('a1', 'api_call_burst', 'medium')])).toBe(false);
    expect(isElevated([alert('a1', 'api_call_burst', 'high')])).toBe(true);
  });

  it.each(RuleName.options.filter((r) => r !== 'manual' && EXPLAINS[r].length === 0))(
    'R4: a %s alert, which no benign reason explains, reaches a human at any severity and any score',
    (rule) => {
      for (const severity of ['low', 'medium'] as const) {
        const c = clearanceFor(input({ riskScore: 0.05, alerts: [alert('p1', rule, severity)] }));
        expect(c).toMatchObject({ autoClear: false, elevated: true, unexplained: [`${rule} p1`] });
      }
    },
  );

  it('R4: a medium alert of a rule that can be explained still clears on the score', () => {
    for (const rule of RuleName.options.filter((r) => r !== 'manual' && EXPLAINS[r].length > 0))
      expect(clearanceFor(input({ alerts: [alert('m1', rule, 'medium')] })).autoClear, rule).toBe(true);
  });

  it('R4: an explanation of the wrong kind does not cover a signal, even when verification listed it', () => {
    const login = [alert('a1', 'new_country_login', 'high')];
    // A registered device says which phone signed in, not why it was abroad.
    const device = explanation('registered_device', 'dev-1', ['a1']);
    expect(clearanceFor(input({ alerts: login, explanations: [device] })).autoClear).toBe(false);
    expect(clearanceFor(input({ alerts: login, explanations: [notice(['a1'])] })).autoClear).toBe(true);
    // Card testing and cramming have no benign explanation in the data: a strong one always reaches a human.
    const burst = [alert('b1', 'transaction_burst', 'high')];
    const merchant = explanation('usual_merchant', 'Contoso Market', ['b1']);
    expect(clearanceFor(input({ alerts: burst, explanations: [merchant] })).autoClear).toBe(false);
  });

  it('R4: holds two corroborating rules until every alert is explained, and says which are not', () => {
    const two = [alert('a1', 'auth_failure_burst', 'medium'), alert('a2', 'new_country_login', 'high')];
    expect(clearanceFor(input({ alerts: two })).autoClear).toBe(false);
    const half = clearanceFor(input({ alerts: two, explanations: [notice(['a2'])] }));
    expect(half).toMatchObject({ autoClear: false, unexplained: ['auth_failure_burst a1'] });
    expect(half.reason).toMatch(/2 rules corroborate \(auth_failure_burst, new_country_login\)/);
    // A travel notice listing both alerts still explains only the sign-in abroad.
    expect(clearanceFor(input({ alerts: two, explanations: [notice(['a1', 'a2'])] })).autoClear).toBe(false);
    const reset = explanation('self_service_reset', 'dev-1a2b', ['a1']);
    const both = clearanceFor(input({ alerts: two, explanations: [notice(['a2']), reset] }));
    expect(both.autoClear).toBe(true);
    expect(both.coverage.map((c) => c.by)).toEqual([
      'self_service_reset dev-1a2b',
      'travel_notice TN-C012-1',
    ]);
  });

  it('counts two alerts of the same rule as one rule, not corroboration', () => {
    const same = [alert('a1', 'large_transaction', 'medium'), alert('a2', 'large_transaction', 'medium')];
    expect(isElevated(same)).toBe(false);
    expect(clearanceFor(input({ alerts: same })).autoClear).toBe(true);
  });

  it('does not let a manual alert corroborate; only a critical one needs (any verified) explanation', () => {
    expect(isElevated([alert('m', 'manual', 'low'), alert('a1', 'large_transaction', 'medium')])).toBe(false);
    expect(isElevated([alert('m', 'manual', 'critical')])).toBe(true);
    expect(isElevated([alert('m', 'manual', 'high')])).toBe(false);
    const manual = [alert('m', 'manual', 'critical')];
    expect(clearanceFor(input({ alerts: manual })).autoClear).toBe(false);
    expect(clearanceFor(input({ alerts: manual, explanations: [notice(['m'])] })).autoClear).toBe(true);
  });

  it('ignores explanations that cover none of the case alerts', () => {
    const c = clearanceFor(
      input({ alerts: [alert('a1', 'data_usage_spike', 'critical')], explanations: [notice(['other'])] }),
    );
    expect(c).toMatchObject({ autoClear: false, explanations: [] });
  });

  it('counts a repeated alert id once', () => {
    const c = clearanceFor(
      input({
        alerts: [alert('a1', 'new_country_login', 'medium'), alert('a1', 'new_country_login', 'medium')],
      }),
    );
    expect(c).toMatchObject({ autoClear: true, elevated: false });
  });

  it('names, for every rule, what can explain it', () => {
    for (const rule of RuleName.options) expect(EXPLAINS[rule]).toBeDefined();
    expect(EXPLAINS.new_country_login).not.toContain('registered_device');
    expect(EXPLAINS.new_country_login).not.toContain('known_device');
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
