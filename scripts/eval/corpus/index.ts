import { substream, type Rng } from '../../../src/shared/prng';
import { SHIPPED_CUSTOMERS } from '../../../src/tools/data/dataset';
import { BENIGN_FAMILIES } from './benign';
import { customerFacts, type CustomerFacts } from './customers';
import type { Family } from './family';
import { FRAUD_FAMILIES } from './fraud';
import { normalTraffic } from './normal';
import type { BackgroundCustomer, Cleanliness, Corpus, LabelledCase } from './types';

export const FAMILIES: readonly Family[] = [...FRAUD_FAMILIES, ...BENIGN_FAMILIES];
const HOUR = 3_600_000;

export interface CorpusOptions {
  seed: number;
  /** The corpus' "now" (ISO); the offline host's virtual clock is moved here. */
  now: string;
  /** Cases per family and customer history (clean, dirty). */
  perVariant: number;
  /** Customers with normal traffic only. */
  background: number;
  /** DATASET_CUSTOMERS the app runs with (the generator reads the same dataset). */
  datasetCustomers: number;
  /** Only these families (default all). */
  families?: readonly string[];
}

/**
 * The labelled corpus, from a seed: for every family, on clean and on dirty customers, `perVariant` cases,
 * each on its own population customer (the shipped sixty are the demo set and stay out), each pattern
 * preceded by two days of that customer's normal traffic; plus background customers with normal traffic
 * only. Each case draws from its own stream, so one family's changes never move another's cases.
 */
export function generateCorpus(opts: CorpusOptions): Corpus {
  const now = Date.parse(opts.now);
  const facts = customerFacts(opts.now).filter((f) => Number(f.id.slice(1)) > SHIPPED_CUSTOMERS);
  const pickRng = substream(opts.seed, 'customers');
  const pool = shuffle(facts, pickRng);
  const used = new Set<string>();
  const cases: LabelledCase[] = [];
  const shortfalls: string[] = [];
  const families = FAMILIES.filter((f) => !opts.families || opts.families.includes(f.name));
  for (const history of ['clean', 'dirty'] as const)
    for (const family of families) {
      const hosts = pool.filter((f) => f.history === history && !used.has(f.id) && family.fits(f)).slice(0, opts.perVariant);
      if (hosts.length < opts.perVariant) shortfalls.push(`${family.name} on ${history} customers: ${hosts.length} of ${opts.perVariant}`);
      hosts.forEach((host, i) => {
        used.add(host.id);
        cases.push(drawCase(opts.seed, family, host, history, i, now));
      });
    }
  const background: BackgroundCustomer[] = pool
    .filter((f) => !used.has(f.id))
    .slice(0, opts.background)
    .map((f) => {
      const rng = substream(opts.seed, `background:${f.id}`);
      return { customerId: f.id, history: f.history, events: normalTraffic(f, rng, now - 48 * HOUR, now - 5 * 60_000) };
    });
  return { seed: opts.seed, now: opts.now, datasetCustomers: opts.datasetCustomers, cases, background, shortfalls };
}

function drawCase(seed: number, family: Family, f: CustomerFacts, history: Cleanliness, i: number, now: number): LabelledCase {
  const rng = substream(seed, `case:${family.name}:${history}:${i}`);
  const start = now - (5 + 5 * rng.next()) * HOUR;
  const drawn = family.draw(f, rng, start);
  // The pattern ends at least a minute before now (telemetry from the future is refused).
  const last = Math.max(...drawn.events.map((e) => Date.parse(e.timestamp)));
  const shift = Math.min(0, now - 60_000 - last);
  const pattern = drawn.events
    .map((e) => (shift ? { ...e, timestamp: new Date(Date.parse(e.timestamp) + shift).toISOString() } : e))
    .sort((a, b) => a.timestamp.localeCompare(b.timestamp));
  const first = Date.parse(pattern[0]!.timestamp);
  return {
    id: `${family.name}/${history}/${i + 1}`,
    family: family.name,
    label: family.label,
    history,
    customerId: f.id,
    prelude: normalTraffic(f, rng, first - 48 * HOUR, first - 5 * 60_000),
    pattern,
    params: drawn.params,
  };
}

function shuffle<T>(items: readonly T[], rng: Rng): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
