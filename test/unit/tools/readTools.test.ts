import { describe, expect, it } from 'vitest';
import { FULL, fails, ok } from './support.js';

describe('get_customer_detail', () => {
  it('returns the profile with home countries, averages, MFA state and subscription ids', async () => {
    const c = await ok('get_customer_detail', { customer_id: 'C001' });
    expect(c).toMatchObject({
      customerId: 'C001',
      tier: expect.any(String),
      mfa: { enabled: expect.any(Boolean) },
    });
    expect(c.homeCountries).toHaveLength(2);
    expect(c.subscriptionIds).toContain('SUB-C001-1');
  });

  it('accepts a lower-case id with spaces', async () => {
    expect((await ok('get_customer_detail', { customer_id: ' c002 ' })).customerId).toBe('C002');
  });

  it('answers an unknown customer with a readable not-found error, not a crash', async () => {
    expect(await fails('get_customer_detail', { customer_id: 'C999' })).toMatch(
      /customer "C999" not found; customer ids run C001\.\.C060/,
    );
  });
});

describe('get_subscription_detail', () => {
  it('lists every subscription of a customer', async () => {
    const r = await ok('get_subscription_detail', { customer_id: 'C050' });
    expect(r.subscriptions.map((s: { subscriptionId: string }) => s.subscriptionId)).toEqual([
      'SUB-C050-1',
      'SUB-C050-2',
    ]);
    expect(r.subscriptions[0]).toMatchObject({ plan: 'Business Pro', dataCapGb: null, line: 'primary' });
  });

  it('returns one subscription by id', async () => {
    const r = await ok('get_subscription_detail', { subscription_id: 'SUB-C050-2' });
    expect(r).toMatchObject({
      customerId: 'C050',
      subscriptions: [{ subscriptionId: 'SUB-C050-2', dataCapGb: 20 }],
    });
  });

  it('needs one of the two ids, and refuses a subscription of another customer', async () => {
    expect(await fails('get_subscription_detail', {})).toMatch(/pass customer_id or subscription_id/);
    expect(
      await fails('get_subscription_detail', { customer_id: 'C001', subscription_id: 'SUB-C050-1' }),
    ).toMatch(/belongs to C050/);
    expect(await fails('get_subscription_detail', { subscription_id: 'SUB-X' })).toMatch(/not found/);
  });
});

describe('get_data_usage', () => {
  it('summarises a window compactly: totals, peak day, last 7 days against the earlier baseline', async () => {
    const u = await ok('get_data_usage', { subscription_id: 'SUB-C001-1', ...FULL });
    expect(u.window).toEqual({ start: '2026-01-01', end: '2026-03-31', days: 90 });
    expect(u.recent).toMatchObject({ from: '2026-03-25', days: 7 });
    expect(u.avgDailyMb).toBe(Math.round(u.totalMb / 90));
    expect(u.recentVsBaselineRatio).toBeCloseTo(u.recent.avgDailyMb / u.baselineAvgDailyMb, 1);
    expect(u).not.toHaveProperty('daily');
    expect(JSON.stringify(u).length).toBeLessThan(600);
  });

  it('adds weekly or daily series only when asked', async () => {
    const weekly = await ok('get_data_usage', {
      subscription_id: 'SUB-C001-1',
      start_date: '2026-03-01',
      end_date: '2026-03-14',
      aggregate: 'weekly',
    });
    expect(weekly.weekly.map((w: { weekStart: string }) => w.weekStart)).toEqual([
      '2026-03-01',
      '2026-03-08',
    ]);
    const daily = await ok('get_data_usage', {
      subscription_id: 'SUB-C001-1',
      start_date: '2026-03-01',
      end_date: '2026-03-03',
      aggregate: 'daily',
    });
    expect(daily.daily).toHaveLength(3);
    expect(daily.daily.reduce((s: number, d: { mb: number }) => s + d.mb, 0)).toBe(daily.totalMb);
  });

  it('clamps a window that reaches past the data and says so', async () => {
    const u = await ok('get_data_usage', {
      subscription_id: 'SUB-C001-1',
      start_date: '2025-12-01',
      end_date: '2026-01-10',
    });
    expect(u.window).toMatchObject({
      start: '2026-01-01',
      end: '2026-01-10',
      days: 10,
      note: expect.stringContaining('clamped'),
    });
    expect(u.baselineAvgDailyMb).toBeNull(); // fewer than 7 days before the recent period
  });

  it('explains windows outside the data, reversed windows, unknown ids and customer ids given as subscription ids', async () => {
    expect(
      await fails('get_data_usage', {
        subscription_id: 'SUB-C001-1',
        start_date: '2026-06-01',
        end_date: '2026-06-30',
      }),
    ).toMatch(/no usage data.*data covers 2026-01-01\.\.2026-03-31/);
    expect(
      await fails('get_data_usage', {
        subscription_id: 'SUB-C001-1',
        start_date: '2026-03-10',
        end_date: '2026-03-01',
      }),
    ).toMatch(/after end_date/);
    expect(await fails('get_data_usage', { subscription_id: 'SUB-C999-1', ...FULL })).toMatch(/not found/);
    expect(await fails('get_data_usage', { subscription_id: 'C001', ...FULL })).toMatch(
      /is a customer id; its subscriptions are SUB-C001-1/,
    );
    expect(
      await fails('get_data_usage', {
        subscription_id: 'SUB-C001-1',
        start_date: '2026-02-30',
        end_date: '2026-03-01',
      }),
    ).toMatch(/start_date/);
  });
});

describe('get_security_logs', () => {
  it('summarises logins by country and lists the most recent events first, up to limit', async () => {
    const s = await ok('get_security_logs', { customer_id: 'C001', limit: 5 });
    expect(s.recentEvents).toHaveLength(5);
    expect(s.recentEvents[0].ts >= s.recentEvents[4].ts).toBe(true);
    const counted = Object.values(s.summary.loginCountries as Record<string, number>).reduce(
      (a, b) => a + b,
      0,
    );
    expect(counted).toBe(s.summary.logins);
    expect(s.recentEvents[0]).not.toHaveProperty('customerId');
  });

  it('lists the 10 most recent events by default and stays compact for a busy takeover account', async () => {
    const s = await ok('get_security_logs', { customer_id: 'C013' });
    expect(s.recentEvents).toHaveLength(10);
    // Every item carries its id and source (history or live); still a few thousand characters.
    expect(JSON.stringify(s).length).toBeLessThan(4500);
  });

  it('only counts events since the given instant', async () => {
    const all = await ok('get_security_logs', { customer_id: 'C007' });
    const recent = await ok('get_security_logs', { customer_id: 'C007', since: '2026-03-30' });
    expect(recent.summary.events).toBeLessThan(all.summary.events);
    expect(recent.recentEvents.every((e: { ts: string }) => e.ts >= '2026-03-30')).toBe(true);
    expect(recent.window.since).toBe('2026-03-30');
  });

  it('rejects an unparsable since and an unknown customer', async () => {
    expect(await fails('get_security_logs', { customer_id: 'C001', since: 'yesterday' })).toMatch(
      /since: expected an ISO date/,
    );
    expect(await fails('get_security_logs', { customer_id: 'C404' })).toMatch(/not found/);
  });
});

describe('get_billing_summary', () => {
  it('compares the latest invoice with the earlier ones and totals what was billed', async () => {
    const b = await ok('get_billing_summary', { customer_id: 'C001' });
    expect(b.invoices).toHaveLength(3);
    expect(b.latestInvoiceUsd).toBe(b.invoices[2].totalUsd);
    expect(b.priorAvgInvoiceUsd).toBeCloseTo((b.invoices[0].totalUsd + b.invoices[1].totalUsd) / 2, 2);
    expect(b.billedUsd).toBeCloseTo(
      b.invoices.reduce((s: number, i: { totalUsd: number }) => s + i.totalUsd, 0),
      2,
    );
  });

  it('reports an unknown customer as not found', async () => {
    expect(await fails('get_billing_summary', { customer_id: 'C000' })).toMatch(/not found/);
  });
});

describe('get_customer_orders', () => {
  it('lists the most recent orders first, up to limit, with the summary over all orders', async () => {
    const o = await ok('get_customer_orders', { customer_id: 'C027', limit: 2 });
    expect(o.orders).toHaveLength(2);
    expect(o.summary.orders).toBeGreaterThan(2);
    expect(o.orders[0].ts >= o.orders[1].ts).toBe(true);
  });

  it('rejects a limit out of range and an unknown customer', async () => {
    expect(await fails('get_customer_orders', { customer_id: 'C001', limit: 0 })).toMatch(/limit/);
    expect(await fails('get_customer_orders', { customer_id: 'X1' })).toMatch(/not found/);
  });
});
