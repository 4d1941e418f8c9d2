import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dayDate } from '../../../src/tools/data/calendar.js';
import { Dataset } from '../../../src/tools/data/schema.js';
import {
  DATASET_DAYS,
  DATASET_END,
  DATASET_START,
  customerById,
  customers,
  dataset,
  generateDataset,
} from '../../../src/tools/index.js';

/**
 * Pinned digest of the generated dataset. It changes only when the generator changes on purpose;
 * then update it here and make sure planted.test.ts still passes (the patterns must stay real).
 */
const DATASET_SHA256 = '96b51120180cde7a3ee1ace1e25549e25066075e461f18665cc69ec1767d06ad';
/** The collections that existed before the benign context (notices, devices, payments, API use) was added. */
const ORIGINAL_COLLECTIONS_SHA256 = '98f5b4ce057b07d3d13eb0a326d5319a082f848582e456ed4709975fa4dccad1';
const ORIGINAL = [
  'customers',
  'subscriptions',
  'usage',
  'securityEvents',
  'invoices',
  'payments',
  'refunds',
  'disputes',
  'orders',
  'knowledgeBase',
] as const;

const digest = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');

describe('Contoso dataset', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('regenerates byte-identically from the fixed seed (pinned digest)', () => {
    expect(digest(generateDataset())).toBe(DATASET_SHA256);
    expect(digest(dataset())).toBe(DATASET_SHA256);
  });

  it('adding the benign context drew from new streams: the original collections did not move', () => {
    const ds = generateDataset();
    expect(digest(Object.fromEntries(ORIGINAL.map((k) => [k, ds[k]])))).toBe(ORIGINAL_COLLECTIONS_SHA256);
  });

  it('does not depend on the clock: generating in 1999 and in 2040 gives the same data', () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('1999-06-01T00:00:00Z'));
    const early = JSON.stringify(generateDataset());
    vi.setSystemTime(new Date('2040-06-01T00:00:00Z'));
    const late = JSON.stringify(generateDataset());
    expect(late).toBe(early);
  });

  it('a different seed gives different data (the seed really drives the generator)', () => {
    expect(digest(generateDataset(7))).not.toBe(DATASET_SHA256);
  });

  it('matches its schema: at least 50 customers, ids C001.., every subscription has 90 days of usage', () => {
    const ds = Dataset.parse(dataset());
    expect(ds.customers.length).toBeGreaterThanOrEqual(50);
    ds.customers.forEach((c, i) => expect(c.id).toBe(`C${String(i + 1).padStart(3, '0')}`));
    expect(new Set(ds.usage.map((u) => u.subscriptionId))).toEqual(
      new Set(ds.subscriptions.map((s) => s.id)),
    );
    for (const u of ds.usage) expect(u.dailyMb).toHaveLength(DATASET_DAYS);
    expect(ds.knowledgeBase.length).toBeGreaterThanOrEqual(25);
    for (const c of ds.customers) {
      expect(c.homeCountries[0]).not.toBe(c.homeCountries[1]);
      expect(ds.subscriptions.some((s) => s.customerId === c.id && s.line === 'primary')).toBe(true);
      expect(ds.invoices.filter((i) => i.customerId === c.id)).toHaveLength(3);
    }
  });

  it('keeps every dated record inside the fixed 90-day window 2026-01-01..2026-03-31', () => {
    expect([DATASET_START, DATASET_END, dayDate(DATASET_DAYS - 1)]).toEqual([
      '2026-01-01',
      '2026-03-31',
      '2026-03-31',
    ]);
    const ds = dataset();
    const dates = [
      ...ds.securityEvents.map((e) => e.ts.slice(0, 10)),
      ...ds.orders.map((o) => o.ts.slice(0, 10)),
      ...ds.transactions.map((t) => t.ts.slice(0, 10)),
      ...ds.devices.map((d) => d.registered).filter((d) => d >= DATASET_START),
      ...ds.invoices.map((i) => i.issued),
      ...ds.payments.map((p) => p.date),
      ...ds.refunds.map((r) => r.date),
      ...ds.disputes.map((d) => d.opened),
    ];
    expect(dates.filter((d) => d < DATASET_START || d > DATASET_END)).toEqual([]);
  });

  it('invoice totals equal the sum of their lines', () => {
    for (const inv of dataset().invoices) {
      const sum = Math.round(inv.lines.reduce((s, l) => s + l.amountUsd, 0) * 100) / 100;
      expect(inv.totalUsd).toBeCloseTo(sum, 2);
    }
  });

  it('exposes what the telemetry simulator needs through customers() and customerById()', () => {
    const first = customers()[0];
    expect(first).toMatchObject({
      id: 'C001',
      homeCountries: expect.any(Array),
      avgTransactionUsd: expect.any(Number),
      avgDailyDataGb: expect.any(Number),
    });
    expect(customerById('c001')).toBe(first);
    expect(customerById('C999')).toBeUndefined();
  });

  it('is frozen, so no caller can skew what the tools return to everyone else', () => {
    const c = customers()[0] as { avgDailyDataGb: number };
    expect(() => {
      c.avgDailyDataGb = 99;
    }).toThrow(TypeError);
  });
});
