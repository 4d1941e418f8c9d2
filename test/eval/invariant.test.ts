import { describe, expect, it } from 'vitest';
import { generateCorpus, FAMILIES } from '../../scripts/eval/corpus/index';
import { runCorpus } from '../../scripts/eval/run';
import { score } from '../../scripts/eval/score';

/**
 * The hard invariant of `npm run eval`, on a fixed-seed slice of its corpus (one case per family on a
 * clean and one on a dirty customer), through the real app on the offline host: no fraud clears itself,
 * and every benign look-alike family can clear itself (with its reason). A regression fails CI.
 */
const SLICE = { seed: 7, now: '2026-04-01T00:00:00.000Z', perVariant: 1, background: 10, datasetCustomers: 1200 };

describe('the evaluation corpus, a fixed-seed slice through the real app', () => {
  it('never auto-clears fraud, and clears every benign look-alike family at least once', async () => {
    process.env['DATASET_CUSTOMERS'] = String(SLICE.datasetCustomers);
    const corpus = generateCorpus(SLICE);
    expect(corpus.shortfalls).toEqual([]);
    expect(new Set(corpus.cases.map((c) => c.family))).toEqual(new Set(FAMILIES.map((f) => f.name)));
    const run = await runCorpus(corpus, { env: { AZURE_OPENAI_ENDPOINT: '', OPENAI_BASE_URL: '' }, model: 'scripted' });
    const card = score(corpus, run);
    expect(run.unsettled).toEqual([]);
    expect(card.autoClearedFraud).toEqual([]);
    expect(card.benign.unclearableFamilies).toEqual([]);
    // Cleared look-alikes say why: a reason the case view shows.
    const cleared = card.outcomes.filter((o) => o.label === 'benign' && o.verdict === 'auto_cleared');
    expect(cleared.every((o) => /below the threshold/.test(o.clearance ?? ''))).toBe(true);
  }, 120_000);
});
