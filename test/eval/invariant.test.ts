import { beforeAll, describe, expect, it } from 'vitest';
import { FAMILIES, generateCorpus } from '../../scripts/eval/corpus/index';
import type { Corpus } from '../../scripts/eval/corpus/types';
import { runCorpus, type RunResult } from '../../scripts/eval/run';
import { score, type Scorecard } from '../../scripts/eval/score';

/**
 * The invariants of `npm run eval`, on a fixed-seed slice of its corpus (one case per family and customer
 * kind, ten background customers), through the real app on the offline host. A regression fails CI; the
 * figures themselves (recall, load) are the benchmark's business, not this test's.
 */
const SLICE = {
  seed: 7,
  now: '2026-04-01T00:00:00.000Z',
  perVariant: 1,
  background: 10,
  datasetCustomers: 1200,
};

/**
 * Families whose every case carries several independent signals by construction (failed logins with a
 * foreign login and money or data, a burst of tiny payments, bulk exports from a new address…): none of
 * them may ever clear itself. The other fraud families are measured by the eval (README: Judgement:
 * measured) — where they still clear themselves it shows there, loudly.
 */
const HIGH_SIGNAL = [
  'account_takeover',
  'credential_stuffing',
  'card_testing',
  'api_data_exfiltration',
  'mfa_downgrade_then_foreign_login',
];

describe('the evaluation corpus, a fixed-seed slice through the real app', () => {
  let corpus: Corpus;
  let run: RunResult;
  let card: Scorecard;
  beforeAll(async () => {
    process.env['DATASET_CUSTOMERS'] = String(SLICE.datasetCustomers);
    corpus = generateCorpus(SLICE);
    run = await runCorpus(corpus, {
      env: { AZURE_OPENAI_ENDPOINT: '', OPENAI_BASE_URL: '' },
      model: 'scripted',
    });
    card = score(corpus, run);
  }, 150_000);

  it('covers every family, on clean, dirty and unknown customers, and every case settles', () => {
    expect(corpus.shortfalls).toEqual([]);
    expect(new Set(corpus.cases.map((c) => c.family))).toEqual(new Set(FAMILIES.map((f) => f.name)));
    expect(new Set(corpus.cases.map((c) => c.history))).toEqual(new Set(['clean', 'dirty', 'unknown']));
    expect(HIGH_SIGNAL.every((f) => FAMILIES.some((x) => x.name === f && x.label === 'fraud'))).toBe(true);
    expect(run.unsettled).toEqual([]);
    expect(run.cases.length).toBeGreaterThan(0);
  });

  it('every alert the ingest raised reaches a case that reads it', () => {
    expect(run.failedIngests).toEqual([]);
    expect(card.alerts.raised).toBeGreaterThan(corpus.cases.length / 2);
    expect(card.alerts.lost).toEqual([]);
  });

  it('auto-clears no fraud case at all (the hard invariant)', () => {
    expect(card.autoClearedFraud).toEqual([]);
  });

  it('never auto-clears fraud of the high-signal families, nor any fraud case with a critical alert or two rules', () => {
    const cleared = card.autoClearedFraud;
    expect(cleared.filter((c) => HIGH_SIGNAL.includes(c.id.split('/')[0]!))).toEqual([]);
    const elevated = run.cases.filter(
      (o) =>
        o.alerts.some((a) => a.severity === 'critical') || new Set(o.alerts.map((a) => a.rule)).size >= 2,
    );
    const elevatedCustomers = new Set(elevated.map((o) => o.customerId));
    expect(cleared.filter((c) => elevatedCustomers.has(c.customerId))).toEqual([]);
  });

  it('every benign look-alike family can clear itself, and a cleared case says why', () => {
    expect(
      card.families.filter((f) => f.label === 'benign' && f.autoCleared === 0).map((f) => f.family),
    ).toEqual([]);
    const cleared = card.outcomes.filter((o) => o.verdict === 'auto_cleared');
    expect(cleared.length).toBeGreaterThan(0);
    expect(cleared.filter((o) => !/below the threshold/.test(o.clearance ?? ''))).toEqual([]);
  });

  it('scores every labelled case exactly once', () => {
    const d = card.decision;
    expect(d.tp + d.fnCleared + d.fnNoAlert + d.fnUnsettled).toBe(card.cases.fraud);
    expect(d.fp + d.tnCleared + d.tnNoAlert + d.benignUnsettled).toBe(card.cases.benign);
    expect(card.outcomes).toHaveLength(corpus.cases.length);
  });
});
