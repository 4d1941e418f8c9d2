import { beforeAll, describe, expect, it } from 'vitest';
import { FAMILIES, generateCorpus, historiesOf, sourceOf } from '../../scripts/eval/corpus/index';
import { wilson } from '../../scripts/eval/score';
import { TelemetryEvent } from '../../src/detection/schema';
import type { Corpus } from '../../scripts/eval/corpus/types';

/** The corpus generator: seeded, sized, drawn from parameters, and only ever telemetry the API accepts. */
const BASE = { now: '2026-04-01T00:00:00.000Z', background: 20, datasetCustomers: 1200 };

describe('the evaluation corpus generator', () => {
  let a: Corpus;
  beforeAll(() => {
    process.env['DATASET_CUSTOMERS'] = String(BASE.datasetCustomers);
    a = generateCorpus({ ...BASE, seed: 3, size: 120 });
  }, 60_000);

  it('is the same corpus for the same seed, and a different one for another seed', () => {
    const again = generateCorpus({ ...BASE, seed: 3, size: 120 });
    expect(JSON.stringify(again)).toBe(JSON.stringify(a));
    const other = generateCorpus({ ...BASE, seed: 4, size: 120 });
    expect(other.cases.map((c) => c.customerId)).not.toEqual(a.cases.map((c) => c.customerId));
    const amounts = (c: Corpus) =>
      c.cases.flatMap((x) => x.pattern.flatMap((e) => (e.type === 'transaction' ? [e.amount] : [])));
    expect(amounts(other)).not.toEqual(amounts(a));
  });

  it('has at least the asked size, spread over every family and customer kind it fits', () => {
    const slots = FAMILIES.reduce((n, f) => n + historiesOf(f).length, 0);
    expect(a.cases.length).toBeGreaterThanOrEqual(120);
    expect(a.cases.length).toBe(slots * a.perVariant);
    for (const f of FAMILIES)
      for (const h of historiesOf(f))
        expect(a.cases.filter((c) => c.family === f.name && c.history === h)).toHaveLength(a.perVariant);
    expect(a.shortfalls).toEqual([]);
  });

  it('puts every case on its own customer, dataset customers and unknown ones alike', () => {
    const ids = [...a.cases.map((c) => c.customerId), ...a.background.map((b) => b.customerId)];
    expect(new Set(ids).size).toBe(ids.length);
    expect(
      a.cases.filter((c) => c.history === 'unknown').every((c) => sourceOf(c.customerId) === 'unknown'),
    ).toBe(true);
    expect(
      a.cases.filter((c) => c.history !== 'unknown').every((c) => sourceOf(c.customerId) !== 'unknown'),
    ).toBe(true);
    expect(a.background.some((b) => b.source === 'unknown')).toBe(true);
  });

  it('is telemetry the ingest API accepts, in time order, before now, with no label inside', () => {
    const now = Date.parse(BASE.now);
    for (const c of a.cases) {
      const events = [...c.prelude, ...c.pattern];
      for (const e of events) {
        expect(TelemetryEvent.safeParse(e).success).toBe(true);
        expect(Date.parse(e.timestamp)).toBeLessThan(now);
        expect(e.customerId).toBe(c.customerId);
      }
      expect(JSON.stringify(events)).not.toMatch(new RegExp(`${c.family}|fraud|benign`));
      const times = c.pattern.map((e) => e.timestamp);
      expect([...times].sort()).toEqual(times);
    }
  });

  it('gives a Wilson interval that holds the rate and narrows with the sample', () => {
    const small = wilson(9, 10);
    const large = wilson(900, 1000);
    expect(small.lo).toBeLessThan(0.9);
    expect(small.hi).toBeGreaterThan(0.9);
    expect(large.hi - large.lo).toBeLessThan(small.hi - small.lo);
    expect(wilson(0, 500).hi).toBeGreaterThan(0);
    expect(wilson(0, 500).hi).toBeLessThan(0.01);
  });
});
