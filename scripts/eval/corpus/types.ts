import type { TelemetryEvent } from '../../../src/detection/schema';

/**
 * The labelled corpus. Labels live here, beside the events, and never inside them: the app sees only
 * telemetry the ingest API accepts and the dataset it ships with.
 */
export type Label = 'fraud' | 'benign';
export type CustomerSource = 'shipped' | 'population' | 'unknown';
/**
 * The customer a case happens to: a dataset customer whose shipped history is clean, one whose history
 * carries old noise (disputes, failures, odd logins), or a customer the dataset does not know at all.
 */
export type Cleanliness = 'clean' | 'dirty' | 'unknown';

export interface LabelledCase {
  id: string;
  family: string;
  label: Label;
  history: Cleanliness;
  customerId: string;
  /** Where the customer comes from: the shipped sixty, the generated population, or nowhere (unknown). */
  source: CustomerSource;
  /** Normal traffic before the pattern (benign by construction). */
  prelude: TelemetryEvent[];
  /** The family's own events, in time order. */
  pattern: TelemetryEvent[];
  /** The randomized parameters this case was drawn with (for the report; never sent). */
  params: Record<string, string | number | boolean>;
}

/** A customer with normal traffic only: the base rate the rules and the model must leave alone. */
export interface BackgroundCustomer {
  customerId: string;
  history: Cleanliness;
  source: CustomerSource;
  events: TelemetryEvent[];
}

export interface Corpus {
  seed: number;
  /** The instant the corpus is built around (the offline host's virtual clock is set to it). */
  now: string;
  datasetCustomers: number;
  /** Cases per family and customer kind. */
  perVariant: number;
  cases: LabelledCase[];
  background: BackgroundCustomer[];
  /** Families that found too few customers of a kind (reported, never silently dropped). */
  shortfalls: string[];
}
