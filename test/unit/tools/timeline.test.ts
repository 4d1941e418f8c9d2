import { describe, expect, it } from 'vitest';
import type { TelemetryEvent } from '../../../src/detection/schema';
import { appendEvents, emptyLiveRecord } from '../../../src/live/record';
import { datasetAt } from '../../../src/tools/data/dataset';
import type { LiveSource, ToolContext } from '../../../src/tools/index.js';
import { ok } from './support.js';

/**
 * The account tools read the shipped history (anchored to the investigation's "now") and the customer's
 * live record on one timeline, each item marked by its source.
 */
const AS_OF = '2026-11-27T10:30:00.000Z';
const at = (minutesBefore: number) => new Date(Date.parse(AS_OF) - minutesBefore * 60_000).toISOString();
const C = 'C001';

function live(customerId: string, events: TelemetryEvent[]): LiveSource {
  const s = appendEvents(emptyLiveRecord(customerId), events).state;
  return { customerId, events: s.events };
}

const takeover: TelemetryEvent[] = [
  { type: 'login', customerId: C, timestamp: at(40), country: 'US', ip: '20.1.2.3', success: true },
  ...Array.from({ length: 6 }, (_, i): TelemetryEvent => ({
    type: 'auth_failure',
    customerId: C,
    timestamp: at(38 - i),
    country: 'NG',
  })),
  {
    type: 'login',
    customerId: C,
    timestamp: at(30),
    country: 'NG',
    ip: '41.1.2.3',
    success: true,
    device: 'dev-evil',
  },
  {
    type: 'transaction',
    customerId: C,
    timestamp: at(20),
    amount: 5000,
    merchant: 'Lagos Luxury Goods',
    merchantCountry: 'NG',
  },
  ...Array.from({ length: 30 }, (_, i): TelemetryEvent => ({
    type: 'api_call',
    customerId: C,
    timestamp: new Date(Date.parse(at(10)) + i * 1000).toISOString(),
    endpoint: '/v1/account/export',
  })),
  // Arrives with the batch but lies after "now": not shown.
  { type: 'login', customerId: C, timestamp: at(-60), country: 'US', ip: '20.1.2.3', success: true },
];
const ctx: ToolContext = { asOf: AS_OF, live: live(C, takeover) };

describe('the anchored history', () => {
  it('ends the day before now, so the last 90 days are the 90 days before now', () => {
    const view = datasetAt(AS_OF);
    expect(view.end).toBe('2026-11-26');
    expect(view.start).toBe('2026-08-29');
    expect(datasetAt().end).toBe('2026-03-31');
  });

  it('meets the live events without a gap: history up to yesterday, live today', async () => {
    const s = await ok('get_security_logs', { customer_id: C, limit: 100 }, ctx);
    const history = s.recentEvents.filter((e: { source: string }) => e.source === 'history');
    expect(history[0].ts < '2026-11-27').toBe(true);
    expect(history[0].ts >= '2026-11-20').toBe(true);
    expect(s.window.until).toBe(AS_OF);
  });

  it('moves every record with it: invoices are issued inside the window and keep their order', async () => {
    const b = await ok('get_billing_summary', { customer_id: C }, ctx);
    expect(b.invoices.map((i: { issued: string }) => i.issued)).toEqual([
      '2026-08-29',
      '2026-09-29',
      '2026-10-27',
    ]);
    expect(b.invoices[1].period).toBe('2026-09');
  });
});

describe('the merged account tools', () => {
  it('security logs carry the live failures, the foreign login and the new device, marked live, newest first', async () => {
    const s = await ok('get_security_logs', { customer_id: C, limit: 10 }, ctx);
    expect(s.summary.live).toMatchObject({ events: 8, logins: 2, failures: 6 });
    expect(s.recentEvents[0]).toMatchObject({
      source: 'live',
      type: 'login',
      country: 'NG',
      device: 'dev-evil',
    });
    expect(s.summary.maxFailedLoginsIn5Min).toBeGreaterThanOrEqual(6);
    expect(s.rapidCountryChanges).toContainEqual(
      expect.objectContaining({ fromCountry: 'US', toCountry: 'NG', minutes: 10, source: 'live' }),
    );
    expect(s.recentEvents.every((e: { ts: string }) => e.ts <= AS_OF)).toBe(true);
  });

  it('transactions compare the live purchase with the customer history at that merchant', async () => {
    const t = await ok('get_transactions', { customer_id: C }, ctx);
    expect(t.history.purchases).toBeGreaterThan(20);
    expect(t.history.usualMerchants.length).toBeGreaterThan(2);
    expect(t.live.items[0]).toMatchObject({
      source: 'live',
      amountUsd: 5000,
      merchantHistory: null,
      foreignMerchant: true,
    });
    expect(t.live.items[0].vsAverage).toBeGreaterThan(10);
  });

  it('API activity shows the export burst against an endpoint the customer never used', async () => {
    const a = await ok('get_api_activity', { customer_id: C }, ctx);
    const row = a.endpoints.find((e: { endpoint: string }) => e.endpoint === '/v1/account/export');
    expect(row).toMatchObject({ bulkData: true, live: { calls: 30, maxPerMinute: 30 } });
    expect(row.history.daysUsed).toBe(0);
  });

  it('data usage adds live reports to the primary line as today, marked live', async () => {
    const usage: LiveSource = live(C, [
      { type: 'data_usage', customerId: C, timestamp: at(5), mb: 25_000, device: 'dev-x' },
    ]);
    const u = await ok(
      'get_data_usage',
      { subscription_id: 'SUB-C001-1', days: 10, aggregate: 'daily' },
      { asOf: AS_OF, live: usage },
    );
    expect(u.window.end).toBe('2026-11-27');
    expect(u.daily.at(-1)).toEqual({ date: '2026-11-27', mb: 25_000, source: 'live', liveMb: 25_000 });
    expect(u.live.latest[0]).toMatchObject({ mb: 25_000, device: 'dev-x', source: 'live' });
    expect(u.live.latest[0].vsBaseline).toBeGreaterThan(4);
  });

  it('the timeline pages back through history and live items, each with its id and source', async () => {
    const first = await ok('get_account_timeline', { customer_id: C, limit: 5 }, ctx);
    expect(first.items).toHaveLength(5);
    expect(first.items.every((i: { source: string }) => i.source === 'live')).toBe(true);
    const next = await ok(
      'get_account_timeline',
      { customer_id: C, limit: 50, before: first.nextBefore },
      ctx,
    );
    expect(next.items[0].at < first.items.at(-1).at).toBe(true);
    const history = await ok(
      'get_account_timeline',
      { customer_id: C, source: 'history', types: 'login' },
      ctx,
    );
    expect(
      history.items.every(
        (i: { source: string; type: string }) => i.source === 'history' && i.type === 'login',
      ),
    ).toBe(true);
  });

  it("never merges another customer's live record", async () => {
    const s = await ok('get_security_logs', { customer_id: 'C002' }, ctx);
    expect(s.summary.live.events).toBe(0);
  });
});

describe('the account context', () => {
  it('lists travel notices with their status against now, registered and known devices, usual merchants', async () => {
    const c048 = await ok('get_account_context', { customer_id: 'C048' });
    expect(c048.travelNotices).toEqual([
      expect.objectContaining({ id: 'TN-C048-1', countries: ['JP'], status: 'past' }),
    ]);
    const c = await ok('get_account_context', { customer_id: C }, ctx);
    expect(c.registeredDevices[0]).toMatchObject({ channel: 'signup' });
    expect(c.knownDevices[0].logins).toBeGreaterThan(5);
    expect(c.usualMerchants[0].purchases).toBeGreaterThan(3);
    expect(c.lastLogin.daysAgo).toBeLessThan(10);
  });
});
