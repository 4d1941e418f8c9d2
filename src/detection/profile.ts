import { z } from 'zod';
import { Alert, RuleName } from './schema';

/**
 * Per-customer detection state, kept in the `customerProfile` entity. Versioned (`schemaVersion`) and
 * bounded: at most 10 logins, window lists capped by the rule counts, a handful of numbers otherwise —
 * a few KB at the very worst, far under the 1 MB entity limit. Times are epoch milliseconds taken from
 * event timestamps, never from a clock.
 */
export const PROFILE_SCHEMA_VERSION = 1;
export const MAX_RECENT_LOGINS = 10;
/** Merchants, devices and security changes remembered per customer (bounded: a few KB at most). */
export const MAX_KNOWN_MERCHANTS = 60;
export const MAX_KNOWN_DEVICES = 20;
export const MAX_SECURITY_CHANGES = 20;

/** Running mean; `seeded` when it started from the customer's baseline rather than from samples. */
export const RunningAverage = z.object({
  mean: z.number().nonnegative(),
  n: z.number().int().nonnegative(),
  seeded: z.boolean(),
});
export type RunningAverage = z.infer<typeof RunningAverage>;

export const RecentLogin = z.object({ country: z.string(), t: z.number() });
export type RecentLogin = z.infer<typeof RecentLogin>;

export const ProfileState = z.object({
  schemaVersion: z.literal(PROFILE_SCHEMA_VERSION),
  customerId: z.string().min(1),
  /** Events evaluated, in total. */
  events: z.number().int().nonnegative(),
  /** Newest event time seen; windows are pruned relative to it. */
  latestMs: z.number().nullable(),
  /** Successful logins, ascending by time, the newest `MAX_RECENT_LOGINS`. */
  logins: z.array(RecentLogin).max(MAX_RECENT_LOGINS),
  /** Auth-failure and API-call times inside their windows, ascending. */
  authFailures: z.array(z.number()),
  apiCalls: z.array(z.number()),
  /** Purchase times inside the burst window, ascending (optional: older v1 states lack it). */
  purchases: z.array(z.number()).optional(),
  /**
   * The rules added after v1 (optional: older states lack them). Bulk-data call times in the export
   * window; merchants bought from (first seen) and small charges at never-used ones in the cramming
   * window; devices seen signing in; security changes in the chain window.
   */
  exports: z.array(z.number()).optional(),
  merchants: z
    .array(z.object({ m: z.string(), first: z.number() }))
    .max(MAX_KNOWN_MERCHANTS)
    .optional(),
  strangeCharges: z.array(z.number()).optional(),
  devices: z.array(z.string()).max(MAX_KNOWN_DEVICES).optional(),
  changes: z
    .array(z.object({ kind: z.string(), t: z.number() }))
    .max(MAX_SECURITY_CHANGES)
    .optional(),
  transaction: RunningAverage.nullable(),
  dataUsage: RunningAverage.nullable(),
  /** Time of the last emitted alert per rule (the dedup anchor). */
  lastAlertAt: z.partialRecord(RuleName, z.number()),
  /** Alerts suppressed by dedup, per rule: counted, never dropped silently. */
  suppressed: z.partialRecord(RuleName, z.number().int().nonnegative()),
  /** Events too old for their rule's window when they arrived (see `evaluate`). */
  lateEvents: z.number().int().nonnegative(),
  openCaseId: z.string().nullable(),
  /**
   * The alert that opened the open case, until the case has surely started: a parallel ingest may have to
   * start it (see startCase) and must start it with this alert. Optional: older v1 states lack it.
   */
  openCaseAlert: Alert.nullable().optional(),
  /**
   * Alerts routed to the open case that it has not read yet, and how many a flood pushed out
   * (src/cases/routing.ts). Optional: older v1 states lack them.
   */
  inbox: z.array(Alert).optional(),
  inboxDropped: z.number().int().nonnegative().optional(),
  /**
   * The open case has read its inbox for the last time: later alerts wait for the next case, opened by
   * `nextCaseAlert` when the closing case releases (src/cases/routing.ts). Optional: older states lack them.
   */
  openCaseClosing: z.boolean().optional(),
  nextCaseAlert: Alert.nullable().optional(),
});
export type ProfileState = z.infer<typeof ProfileState>;

export function initialProfile(customerId: string): ProfileState {
  return {
    schemaVersion: PROFILE_SCHEMA_VERSION,
    customerId,
    events: 0,
    latestMs: null,
    logins: [],
    authFailures: [],
    apiCalls: [],
    transaction: null,
    dataUsage: null,
    lastAlertAt: {},
    suppressed: {},
    lateEvents: 0,
    openCaseId: null,
  };
}

export class ProfileStateError extends Error {
  override name = 'ProfileStateError';
}

/**
 * Reads persisted entity state: nothing stored → a fresh profile; a known version → validated state;
 * anything else throws saying what was found, so a bad deployment fails loudly instead of resetting.
 */
export function loadProfile(raw: unknown, customerId: string): ProfileState {
  if (raw === undefined || raw === null) return initialProfile(customerId);
  const version = (raw as { schemaVersion?: unknown }).schemaVersion;
  if (version !== PROFILE_SCHEMA_VERSION)
    throw new ProfileStateError(
      `customerProfile ${customerId}: unsupported schemaVersion ${JSON.stringify(version)}; this build reads ${PROFILE_SCHEMA_VERSION}.`,
    );
  const parsed = ProfileState.safeParse(raw);
  if (!parsed.success)
    throw new ProfileStateError(
      `customerProfile ${customerId}: invalid state: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}
