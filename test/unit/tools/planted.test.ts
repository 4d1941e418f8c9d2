import { describe, expect, it } from 'vitest';
import { customers, plantedPatterns } from '../../../src/tools/index.js';
import { FULL, ok } from './support.js';

/**
 * The planted patterns are real in the data the tools return — the only thing agents see. The
 * plantedPatterns map is used here just to pick which customers must look clean.
 */
async function usageOf(customerId: string) {
  const detail = await ok('get_customer_detail', { customer_id: customerId });
  return ok('get_data_usage', { subscription_id: detail.subscriptionIds[0], ...FULL });
}
const security = (id: string) => ok('get_security_logs', { customer_id: id, limit: 50 });
const billing = (id: string) => ok('get_billing_summary', { customer_id: id });
const orders = (id: string) => ok('get_customer_orders', { customer_id: id, limit: 50 });

describe('planted usage patterns', () => {
  it.each(['C003', 'C042', 'C045'])(
    '%s uses several times its baseline on several of the last days',
    async (id) => {
      const u = await usageOf(id);
      expect(u.recentVsBaselineRatio).toBeGreaterThanOrEqual(2.5);
      expect(u.daysOver4xBaseline).toBeGreaterThanOrEqual(2);
    },
  );

  it('C011 has exactly one heavy day and an otherwise normal week', async () => {
    const u = await usageOf('C011');
    expect(u.peakVsBaselineRatio).toBeGreaterThanOrEqual(8);
    expect(u.daysOver4xBaseline).toBe(1);
  });

  it('C053 had heavy February days that were billed as overage and disputed', async () => {
    const detail = await ok('get_customer_detail', { customer_id: 'C053' });
    const feb = await ok('get_data_usage', {
      subscription_id: detail.subscriptionIds[0],
      start_date: '2026-02-01',
      end_date: '2026-02-28',
    });
    expect(feb.totalGb).toBeGreaterThan(feb.dataCapGb);
    const b = await billing('C053');
    expect(b.unusualCharges.map((c: { category: string }) => c.category)).toContain('overage');
    expect(b.openDisputedUsd).toBeGreaterThan(0);
  });
});

describe('planted location patterns', () => {
  it.each([
    ['C007', 'RU'],
    ['C045', 'RO'],
  ])('%s logs in from home, then from %s within the hour on a new device', async (id, country) => {
    const s = await security(id);
    expect(s.rapidCountryChanges).toContainEqual(
      expect.objectContaining({ toCountry: country, minutes: expect.any(Number) }),
    );
    expect(s.rapidCountryChanges.every((r: { minutes: number }) => r.minutes <= 60)).toBe(true);
    expect(s.summary.deviceChanges).toBeGreaterThanOrEqual(1);
    expect(s.nonHomeLogins[0].country).toBe(country);
  });

  it.each([
    ['C013', 'NG'],
    ['C042', 'VN'],
  ])(
    '%s shows an account takeover from %s: failed-login burst, success, MFA disabled, password and device changed',
    async (id, country) => {
      const s = await security(id);
      expect(s.summary.maxFailedLoginsIn5Min).toBeGreaterThanOrEqual(3);
      expect(
        s.nonHomeLogins.some(
          (e: { country: string; success: boolean }) => e.country === country && e.success,
        ),
      ).toBe(true);
      expect(s.accountChanges.map((e: { detail?: string }) => e.detail)).toContain('mfa disabled');
      expect(s.summary.passwordChanges).toBeGreaterThanOrEqual(1);
      expect(s.mfa.enabled).toBe(false);
    },
  );

  it('C019 shows a SIM swap: eSIM order, device change, MFA moved to SMS, then a foreign login', async () => {
    const s = await security('C019');
    expect(s.accountChanges.map((e: { detail?: string }) => e.detail)).toEqual(
      expect.arrayContaining(['mfa method changed app -> sms', 'SIM replaced; new device registered']),
    );
    expect(s.summary.nonHomeCountryLogins).toBeGreaterThanOrEqual(1);
    const o = await orders('C019');
    expect(o.orders.map((x: { items: string[] }) => x.items[0])).toContain('Replacement eSIM');
  });

  it('C048 travelled: a week of JP logins from the usual device, no rapid country change, no account change', async () => {
    const s = await security('C048');
    expect(s.summary.loginCountries.JP).toBe(7);
    expect(s.summary.devices).toBe(1);
    expect(s.rapidCountryChanges).toEqual([]);
    expect(s.accountChanges).toEqual([]);
  });
});

describe('planted billing patterns', () => {
  it('C022 has never-seen third-party charges on the latest invoice, disputed', async () => {
    const b = await billing('C022');
    expect(
      b.unusualCharges.filter((c: { category: string }) => c.category === 'third_party').length,
    ).toBeGreaterThanOrEqual(2);
    expect(b.latestVsPriorRatio).toBeGreaterThan(1.5);
    expect(b.disputes[0]).toMatchObject({ status: 'open', kind: 'customer_dispute' });
  });

  it('C027 shows card testing (a burst of tiny declined orders) and repeated failed payments', async () => {
    const b = await billing('C027');
    expect(b.payments.failed).toBeGreaterThanOrEqual(3);
    expect(b.accountStatus).toBe('past_due');
    const o = await orders('C027');
    expect(o.summary.maxOrdersIn30Min).toBeGreaterThanOrEqual(5);
    expect(o.summary.declined).toBeGreaterThanOrEqual(5);
  });

  it('C031 has disputed roaming charges', async () => {
    const b = await billing('C031');
    expect(b.unusualCharges.some((c: { category: string }) => c.category === 'roaming')).toBe(true);
    expect(b.openDisputedUsd).toBeGreaterThan(300);
  });

  it('C036 has repeated refunds and chargebacks on delivered orders', async () => {
    const b = await billing('C036');
    expect(b.refunds.count).toBeGreaterThanOrEqual(3);
    expect(b.disputes.filter((d: { kind: string }) => d.kind === 'chargeback')).toHaveLength(2);
  });

  it.each([
    ['C013', 'NG'],
    ['C042', 'VN'],
  ])('%s has financed devices far above the average transaction shipped to %s', async (id, country) => {
    const o = await orders(id);
    expect(o.summary.shippedOutsideHome).toBeGreaterThanOrEqual(2);
    expect(o.summary.largestVsAvgTransactionRatio).toBeGreaterThan(4);
    expect(o.orders[0].shipCountry).toBe(country);
  });
});

describe('customers planted as clean (and the false-positive traps)', () => {
  const clean = customers()
    .map((c) => c.id)
    .filter((id) => {
      const p = plantedPatterns[id];
      return !p || (p.usage === 'none' && p.location === 'none' && p.billing === 'none');
    });

  it('are the large majority, including C001, C002 and C050', () => {
    expect(clean.length).toBeGreaterThanOrEqual(40);
    expect(clean).toEqual(expect.arrayContaining(['C001', 'C002', 'C050']));
  });

  it('carry none of the planted signals in any tool result', async () => {
    for (const id of clean) {
      const [u, s, b, o] = await Promise.all([usageOf(id), security(id), billing(id), orders(id)]);
      const where = `customer ${id}`;
      expect(u.recentVsBaselineRatio, where).toBeLessThan(1.5);
      expect(u.daysOver4xBaseline, where).toBe(0);
      expect(s.summary.nonHomeCountryLogins, where).toBe(0);
      expect(s.rapidCountryChanges, where).toEqual([]);
      expect(s.summary.maxFailedLoginsIn5Min, where).toBeLessThan(3);
      expect(s.summary.mfaChanges, where).toBe(0);
      expect(b.unusualCharges, where).toEqual([]);
      expect(b.disputes, where).toEqual([]);
      expect(b.payments.failed, where).toBeLessThanOrEqual(1);
      expect(o.summary.shippedOutsideHome, where).toBe(0);
      expect(o.summary.largestVsAvgTransactionRatio, where).toBeLessThan(2);
    }
  });
});
