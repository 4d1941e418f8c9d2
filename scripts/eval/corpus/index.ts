import { substream, type Rng } from '../../../src/shared/prng';
import { SHIPPED_CUSTOMERS } from '../../../src/tools/data/dataset';
import { BENIGN_FAMILIES } from './benign';
import { customerFacts, unknownFacts, type CustomerFacts } from './customers';
import type { Family } from './family';
import { FRAUD_FAMILIES } from './fraud';
import { normalTraffic } from './normal';
import type { BackgroundCustomer, Cleanliness, Corpus, CustomerSource, LabelledCase } from './types';

export const FAMILIES: readonly Family[] = [...FRAUD_FAMILIES, ...BENIGN_FAMILIES];
const HOUR = 3_600_000;

export interface CorpusOptions {
  seed: number;
  /** The corpus' "now" (ISO); the offline host's virtual clock is moved here. */
  now: string;
  /** Labelled cases wanted (at least): spread evenly over every family and customer kind it fits. */
  size?: number;
  /** Cases per family and customer kind (clean, dirty, unknown); overrides `size`. */
  perVariant?: number;
  /** Customers with normal traffic only (a fifth of them unknown to the dataset). */
  background: number;
  /** DATASET_CUSTOMERS the app runs with (the generator reads the same dataset). */
  datasetCustomers: number;
  /** Only these families (default all). */
  families?: readonly string[];
}

/** The customer kinds a family is drawn on: fraud happens to customers the dataset does not know too. */
export function historiesOf(family: Family): Cleanliness[] {
  if (family.label === 'benign') return ['clean', 'dirty'];
  return family.fits(unknownFacts('probe', substream(0, 'probe')))
    ? ['clean', 'dirty', 'unknown']
    : ['clean', 'dirty'];
}

/**
 * The labelled corpus, from a seed: for every family, on clean and on dirty dataset customers (the shipped
 * sixty and the generated population alike) and, for fraud, on customers the dataset does not know,
 * `perVariant` cases, each on its own customer, each pattern preceded by two days of that customer's
 * normal traffic; plus background customers with normal traffic only. Each case draws from its own
 * stream, so one family's changes never move another's cases.
 */
export function generateCorpus(opts: CorpusOptions): Corpus {
  const now = Date.parse(opts.now);
  const families = FAMILIES.filter((f) => !opts.families || opts.families.includes(f.name));
  const slots = families.reduce((n, f) => n + historiesOf(f).length, 0);
  const perVariant = opts.perVariant ?? Math.max(1, Math.ceil((opts.size ?? 500) / Math.max(1, slots)));
  const pool = shuffle(customerFacts(opts.now), substream(opts.seed, 'customers'));
  const used = new Set<string>();
  const cases: LabelledCase[] = [];
  const shortfalls: string[] = [];
  let unknownIds = 0;
  const freshUnknown = () => {
    const id = `U${String(opts.seed % 1000).padStart(3, '0')}${String(++unknownIds).padStart(5, '0')}`;
    return unknownFacts(id, substream(opts.seed, `unknown:${id}`));
  };
  for (const history of ['clean', 'dirty', 'unknown'] as const)
    for (const family of families) {
      if (!historiesOf(family).includes(history)) continue;
      const hosts =
        history === 'unknown'
          ? Array.from({ length: perVariant }, freshUnknown)
          : pool
              .filter((f) => f.history === history && !used.has(f.id) && family.fits(f))
              .slice(0, perVariant);
      if (hosts.length < perVariant)
        shortfalls.push(`${family.name} on ${history} customers: ${hosts.length} of ${perVariant}`);
      hosts.forEach((host, i) => {
        used.add(host.id);
        cases.push(drawCase(opts.seed, family, host, history, i, now));
      });
    }
  const unknownBackground = Math.round(opts.background / 5);
  const background: BackgroundCustomer[] = [
    ...pool.filter((f) => !used.has(f.id)).slice(0, opts.background - unknownBackground),
    ...Array.from({ length: unknownBackground }, freshUnknown),
  ].map((f) => {
    const rng = substream(opts.seed, `background:${f.id}`);
    return {
      customerId: f.id,
      history: f.history,
      source: sourceOf(f.id),
      events: normalTraffic(f, rng, now - 48 * HOUR, now - 5 * 60_000),
    };
  });
  return {
    seed: opts.seed,
    now: opts.now,
    datasetCustomers: opts.datasetCustomers,
    perVariant,
    cases,
    background,
    shortfalls,
  };
}

/** The shipped sixty, the generated population beyond them, or a customer the dataset does not know. */
export function sourceOf(customerId: string): CustomerSource {
  const m = /^C(\d+)$/.exec(customerId);
  if (!m) return 'unknown';
  return Number(m[1]) <= SHIPPED_CUSTOMERS ? 'shipped' : 'population';
}

function drawCase(
  seed: number,
  family: Family,
  f: CustomerFacts,
  history: Cleanliness,
  i: number,
  now: number,
): LabelledCase {
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
    source: sourceOf(f.id),
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
