import type { Alert, RuleName, Severity, TelemetryEvent } from './schema';
import { isBulkDataEndpoint } from './endpoints';
import {
  MAX_KNOWN_DEVICES,
  MAX_KNOWN_MERCHANTS,
  MAX_RECENT_LOGINS,
  MAX_SECURITY_CHANGES,
  type ProfileState,
  type RecentLogin,
  type RunningAverage,
} from './profile';
import { MAX_WINDOW_COUNT, type RuleSettings } from './settings';
import { severityForNewCountry, severityForRatio } from './severity';
import { compactUtc, eventTimeMs } from './time';
import { insertSorted, insertTime, maxCountAround } from './windows';

/**
 * Layer 1 rules: pure, no clock (time is the event's timestamp), no I/O. `evaluate` folds one event into
 * a customer's profile and returns the alerts it raises.
 *
 * Boundaries (all tested in test/unit/detection/rules.test.ts):
 * - windows are inclusive at both ends: a login exactly 7,200 s after a login elsewhere is flagged; the
 *   3rd auth failure exactly 300 s after the 1st is flagged; 21 API calls spanning exactly 60 s are flagged.
 * - multipliers are strict: exactly 3× the average transaction (4× usage) is not flagged.
 * - dedup is half-open: a repeat less than 60 s after the last alert of that rule is suppressed (counted
 *   in `state.suppressed`); exactly 60 s later it alerts again.
 *
 * Out-of-order events: each rule judges an event by its own timestamp. A late login is compared with
 * logins on either side of it (|Δt| ≤ window) and slots into history by time. A late auth failure or API
 * call counts in any window that contains it (so it can complete a burst with newer events), unless it is
 * older than the newest event seen minus that window: then it is counted in `state.lateEvents` and
 * ignored by the window rule (its window has already been judged and pruned). Averages do not depend on
 * order. Dedup compares |Δt|, so a late alert near an earlier one is suppressed too.
 */

/** What detection knows about a customer beforehand (the Contoso dataset), when it knows anything. */
export interface CustomerBaseline {
  homeCountries?: readonly string[];
  avgTransaction?: number;
  avgDailyMb?: number;
  /** Merchants the customer bought from, and devices registered or signing in, in the shipped history. */
  merchants?: readonly string[];
  devices?: readonly string[];
  /** The most calls to bulk-data endpoints on any one day of the history. */
  bulkCallsPerDay?: number;
}

/** An alert as the rules raise it: the Alert schema plus the numbers behind it. */
export interface AlertDraft extends Alert {
  measure: { observed: number; threshold: number; ratio: number };
}

export interface Evaluation {
  state: ProfileState;
  alerts: readonly AlertDraft[];
  /** Rules that fired but were suppressed by dedup for this event (also counted in the state). */
  suppressed: readonly RuleName[];
}

// Most events raise nothing; sharing the empty results keeps the hot path allocation-light.
const NO_ALERTS: readonly AlertDraft[] = Object.freeze([]);
const NO_RULES: readonly RuleName[] = Object.freeze([]);
const NO_TIMES: number[] = [];

interface Hit {
  rule: RuleName;
  severity: Severity;
  description: string;
  observed: number;
  threshold: number;
}

export function evaluate(
  state: ProfileState,
  event: TelemetryEvent,
  settings: RuleSettings,
  baseline?: CustomerBaseline,
): Evaluation {
  if (event.customerId !== state.customerId)
    throw new RangeError(
      `event for ${event.customerId} evaluated against the profile of ${state.customerId}`,
    );
  const t = eventTimeMs(event.timestamp);
  if (!Number.isFinite(t)) throw new RangeError(`event timestamp is not a date: ${event.timestamp}`);

  const latest = state.latestMs === null || t > state.latestMs ? t : state.latestMs;
  // Spelled out rather than spread: one fixed object shape keeps this hot path fast.
  const next: ProfileState = {
    schemaVersion: state.schemaVersion,
    customerId: state.customerId,
    events: state.events + 1,
    latestMs: latest,
    logins: state.logins,
    authFailures: state.authFailures,
    apiCalls: state.apiCalls,
    purchases: state.purchases ?? NO_TIMES,
    exports: state.exports ?? NO_TIMES,
    merchants: state.merchants ?? NO_MERCHANTS,
    strangeCharges: state.strangeCharges ?? NO_TIMES,
    devices: state.devices ?? NO_STRINGS,
    changes: state.changes ?? NO_CHANGES,
    transaction: state.transaction,
    dataUsage: state.dataUsage,
    lastAlertAt: state.lastAlertAt,
    suppressed: state.suppressed,
    lateEvents: state.lateEvents,
    openCaseId: state.openCaseId,
  };
  let hit: Hit | undefined;

  switch (event.type) {
    case 'login': {
      hit = newCountryHit(state.logins, event.country, event.success, t, settings, baseline);
      if (event.success) next.logins = insertLogin(state.logins, { country: event.country, t });
      if (event.success && event.device) {
        const known = next.devices ?? NO_STRINGS;
        const own = baseline?.devices ?? NO_STRINGS;
        if (!known.includes(event.device) && !own.includes(event.device)) {
          next.devices = [...known, event.device].slice(-MAX_KNOWN_DEVICES);
          // A first device of a customer nothing is known about yet is not "new".
          if (known.length > 0 || own.length > 0) {
            const chain = chainHit(next, 'device', t, latest, settings);
            hit ??= chain;
          }
        }
      }
      break;
    }
    case 'transaction': {
      const avg = state.transaction ?? seed(baseline?.avgTransaction, settings);
      hit = ratioHit(avg, event.amount, settings.transactionMultiplier, settings.minSamples, (limit) => ({
        rule: 'large_transaction',
        description: `Transaction of ${money(event.amount)} is ${ratioText(event.amount, limit / settings.transactionMultiplier)} the customer's average of ${money(limit / settings.transactionMultiplier)} (limit ${money(limit)}).`,
      }));
      if (!hit) next.transaction = learn(avg, event.amount, settings.averageHorizon);
      else if (avg !== state.transaction) next.transaction = avg;
      // Velocity: many purchases in minutes (card testing). A late purchase is judged by the others only.
      const burst = windowCount(
        state.purchases ?? NO_TIMES,
        t,
        latest,
        settings.transactionBurstWindowSeconds,
        settings.transactionBurstCount * 2 + 1,
      );
      if (burst) {
        next.purchases = burst.times;
        if (!hit && burst.count >= settings.transactionBurstCount)
          hit = {
            rule: 'transaction_burst',
            severity: severityForRatio(burst.count / settings.transactionBurstCount),
            description: `${burst.count} purchases within ${settings.transactionBurstWindowSeconds} s (limit: ${settings.transactionBurstCount}).`,
            observed: burst.count,
            threshold: settings.transactionBurstCount,
          };
      }
      if ((event.kind ?? 'purchase') === 'purchase') {
        const cramming = crammingHit(state, next, event, t, latest, settings, baseline);
        hit ??= cramming;
      }
      break;
    }
    case 'account_change': {
      if (event.change !== 'mfa_enabled') hit = chainHit(next, event.change, t, latest, settings);
      break;
    }
    case 'data_usage': {
      const avg = state.dataUsage ?? seed(baseline?.avgDailyMb, settings);
      hit = ratioHit(avg, event.mb, settings.dataUsageMultiplier, settings.minSamples, (limit) => ({
        rule: 'data_usage_spike',
        description: `Data usage of ${mb(event.mb)} is ${ratioText(event.mb, limit / settings.dataUsageMultiplier)} the customer's daily average of ${mb(limit / settings.dataUsageMultiplier)} (limit ${mb(limit)}).`,
      }));
      if (!hit) next.dataUsage = learn(avg, event.mb, settings.averageHorizon);
      else if (avg !== state.dataUsage) next.dataUsage = avg;
      break;
    }
    case 'auth_failure': {
      const w = windowCount(
        state.authFailures,
        t,
        latest,
        settings.authFailureWindowSeconds,
        settings.authFailureCount * 2 + 1,
      );
      if (!w) {
        next.lateEvents = state.lateEvents + 1;
        break;
      }
      next.authFailures = w.times;
      const count = w.count;
      if (count >= settings.authFailureCount)
        hit = {
          rule: 'auth_failure_burst',
          severity: severityForRatio(count / settings.authFailureCount),
          description: `${count} authentication failures within ${settings.authFailureWindowSeconds} s (limit: ${settings.authFailureCount}).`,
          observed: count,
          threshold: settings.authFailureCount,
        };
      break;
    }
    case 'api_call': {
      const w = windowCount(
        state.apiCalls,
        t,
        latest,
        settings.apiBurstWindowSeconds,
        settings.apiBurstCount * 2 + 2,
      );
      if (!w) next.lateEvents = state.lateEvents + 1;
      else {
        next.apiCalls = w.times;
        const count = w.count;
        if (count > settings.apiBurstCount)
          hit = {
            rule: 'api_call_burst',
            severity: severityForRatio(count / settings.apiBurstCount),
            description: `${count} API calls within ${settings.apiBurstWindowSeconds} s (more than ${settings.apiBurstCount} is a burst).`,
            observed: count,
            threshold: settings.apiBurstCount,
          };
      }
      if (isBulkDataEndpoint(event.endpoint)) {
        const bulk = exportHit(state, next, event.endpoint, t, latest, settings, baseline);
        hit ??= bulk;
      }
      break;
    }
  }

  if (!hit) return { state: next, alerts: NO_ALERTS, suppressed: NO_RULES };

  const last = state.lastAlertAt[hit.rule];
  if (last !== undefined && Math.abs(t - last) < settings.dedupSeconds * 1000) {
    next.suppressed = { ...state.suppressed, [hit.rule]: (state.suppressed[hit.rule] ?? 0) + 1 };
    return { state: next, alerts: NO_ALERTS, suppressed: [hit.rule] };
  }
  next.lastAlertAt = { ...state.lastAlertAt, [hit.rule]: last === undefined || t > last ? t : last };
  return { state: next, alerts: [draft(event, t, hit)], suppressed: NO_RULES };
}

const NO_STRINGS: string[] = [];
const NO_MERCHANTS: NonNullable<ProfileState['merchants']> = [];
const NO_CHANGES: NonNullable<ProfileState['changes']> = [];

/** The rules added after v1 alert at most once per window: the case they open reads what follows. */
function quietSince(state: ProfileState, rule: RuleName, t: number, windowSeconds: number): boolean {
  const last = state.lastAlertAt[rule];
  return last === undefined || Math.abs(t - last) >= windowSeconds * 1000;
}

/**
 * Cramming: small charges from merchants the customer never used (not in the shipped history, first seen
 * within the window), several within hours. Judged only once something is known of the customer's shops.
 */
function crammingHit(
  state: ProfileState,
  next: ProfileState,
  event: { merchant: string; amount: number },
  t: number,
  latest: number,
  settings: RuleSettings,
  baseline: CustomerBaseline | undefined,
): Hit | undefined {
  const windowMs = settings.crammingWindowSeconds * 1000;
  const known = state.merchants ?? NO_MERCHANTS;
  const seen = known.find((x) => x.m === event.merchant);
  const usual = baseline?.merchants?.includes(event.merchant) ?? false;
  if (!seen && !usual)
    next.merchants = [...known, { m: event.merchant, first: t }].slice(-MAX_KNOWN_MERCHANTS);
  const established = (baseline?.merchants?.length ?? 0) > 0 || known.some((x) => x.first < t - windowMs);
  const never = !usual && (!seen || seen.first >= t - windowMs);
  if (!never || !established || event.amount > settings.crammingMaxAmount) return undefined;
  const n = settings.crammingCount;
  const w = windowCount(
    state.strangeCharges ?? NO_TIMES,
    t,
    latest,
    settings.crammingWindowSeconds,
    n * 2 + 1,
  );
  if (!w) return undefined;
  next.strangeCharges = w.times;
  if (w.count < n || !quietSince(state, 'cramming', t, settings.crammingWindowSeconds)) return undefined;
  return {
    rule: 'cramming',
    severity: severityForRatio(w.count / n),
    description: `${w.count} charges of at most $${settings.crammingMaxAmount} from merchants the customer never used, within ${duration(settings.crammingWindowSeconds)} (limit: ${n}).`,
    observed: w.count,
    threshold: n,
  };
}

/**
 * Slow-burn exfiltration: calls to endpoints that hand out account data in bulk, counted over hours, above
 * both the setting and a multiple of the customer's own busiest day of such calls.
 */
function exportHit(
  state: ProfileState,
  next: ProfileState,
  endpoint: string,
  t: number,
  latest: number,
  settings: RuleSettings,
  baseline: CustomerBaseline | undefined,
): Hit | undefined {
  const limit = Math.max(
    settings.exportVolumeCount,
    Math.ceil(settings.exportVolumeMultiplier * (baseline?.bulkCallsPerDay ?? 0)),
  );
  const cap = Math.min(MAX_WINDOW_COUNT, limit * 2 + 1);
  const w = windowCount(state.exports ?? NO_TIMES, t, latest, settings.exportVolumeWindowSeconds, cap);
  if (!w) return undefined;
  next.exports = w.times;
  if (w.count < limit || !quietSince(state, 'export_volume', t, settings.exportVolumeWindowSeconds))
    return undefined;
  const ratio = w.count / limit;
  return {
    rule: 'export_volume',
    // Account data leaving in bulk is never routine: at least high.
    severity: ratio >= 3 ? 'critical' : 'high',
    description: `${w.count} calls to bulk-data endpoints (latest ${endpoint.slice(0, 100)}) within ${duration(settings.exportVolumeWindowSeconds)} (limit: ${limit}).`,
    observed: w.count,
    threshold: limit,
  };
}

const WEAKENING = new Set(['mfa', 'sim_change', 'email_change']);

/**
 * Account-takeover chain: different security changes within hours (password, MFA off or weaker, e-mail,
 * address, SIM, a new device). `kind` is the change (or `device` for a new device signing in).
 */
function chainHit(
  next: ProfileState,
  kind: string,
  t: number,
  latest: number,
  settings: RuleSettings,
): Hit | undefined {
  const windowMs = settings.securityChainWindowSeconds * 1000;
  const link =
    kind === 'mfa_disabled' || kind === 'mfa_downgraded'
      ? 'mfa'
      : kind === 'device_registered'
        ? 'device'
        : kind;
  const kept = (next.changes ?? NO_CHANGES).filter((c) => c.t >= latest - windowMs);
  next.changes = [...kept, { kind: link, t }].sort((a, b) => a.t - b.t).slice(-MAX_SECURITY_CHANGES);
  const kinds = [...new Set(next.changes.filter((c) => Math.abs(c.t - t) <= windowMs).map((c) => c.kind))];
  const n = settings.securityChainCount;
  if (kinds.length < n || !quietSince(next, 'security_change_chain', t, settings.securityChainWindowSeconds))
    return undefined;
  return {
    rule: 'security_change_chain',
    severity: kinds.length >= n + 2 ? 'critical' : kinds.some((k) => WEAKENING.has(k)) ? 'high' : 'medium',
    description: `${kinds.length} different security changes within ${duration(settings.securityChainWindowSeconds)}: ${kinds.join(', ')} (limit: ${n}).`,
    observed: kinds.length,
    threshold: n,
  };
}

/**
 * A window rule's bookkeeping: undefined for an event older than its window (counted as late, ignored);
 * else the stored times with this one inserted (pruned, capped) and the densest count around it.
 */
function windowCount(
  stored: readonly number[],
  t: number,
  latest: number,
  windowSeconds: number,
  cap: number,
): { times: number[]; count: number } | undefined {
  const windowMs = windowSeconds * 1000;
  if (t < latest - windowMs) return undefined;
  const times = insertTime(stored, t, latest - windowMs, cap);
  return { times, count: maxCountAround(times, t, windowMs) };
}

/**
 * Evaluates a batch for one customer in timestamp order (stable for equal times), so a batch gives the
 * same alerts whatever order its events were listed in.
 */
export function evaluateBatch(
  state: ProfileState,
  events: readonly TelemetryEvent[],
  settings: RuleSettings,
  baseline?: CustomerBaseline,
): Evaluation {
  const ordered = events
    .map((event, i) => ({ event, i, t: eventTimeMs(event.timestamp) }))
    .sort((a, b) => a.t - b.t || a.i - b.i);
  let current = state;
  const alerts: AlertDraft[] = [];
  const suppressed: RuleName[] = [];
  for (const { event } of ordered) {
    const r = evaluate(current, event, settings, baseline);
    current = r.state;
    alerts.push(...r.alerts);
    suppressed.push(...r.suppressed);
  }
  return { state: current, alerts, suppressed };
}

/**
 * `<customerId>-<rule>-<UTC time, compact>` e.g. `C001-large_transaction-20260101T120000000Z`: the same
 * event always yields the same id (whatever offset its timestamp was written with), so a replayed ingest
 * cannot raise a second alert or case. Ids over the 100-character limit fall back to a hash.
 */
export function alertIdFor(customerId: string, rule: RuleName, timeMs: number): string {
  const id = `${customerId}-${rule}-${compactUtc(timeMs)}`;
  return id.length <= 100 ? id : `${customerId.slice(0, 40)}-${rule}-${fnv1a(id)}`;
}

function draft(event: TelemetryEvent, t: number, hit: Hit): AlertDraft {
  return {
    alertId: alertIdFor(event.customerId, hit.rule, t),
    customerId: event.customerId,
    rule: hit.rule,
    severity: hit.severity,
    description: hit.description,
    detectedAt: new Date(t).toISOString(),
    events: [event],
    measure: { observed: hit.observed, threshold: hit.threshold, ratio: hit.observed / hit.threshold },
  };
}

function newCountryHit(
  logins: readonly RecentLogin[],
  country: string,
  success: boolean,
  t: number,
  settings: RuleSettings,
  baseline: CustomerBaseline | undefined,
): Hit | undefined {
  if (baseline?.homeCountries?.includes(country)) return undefined;
  const windowMs = settings.newCountryWindowSeconds * 1000;
  let nearest: RecentLogin | undefined;
  for (const login of logins) {
    if (login.country === country) return undefined;
    if (Math.abs(t - login.t) <= windowMs && (!nearest || Math.abs(t - login.t) < Math.abs(t - nearest.t)))
      nearest = login;
  }
  if (!nearest) return undefined;
  const gapSeconds = Math.abs(t - nearest.t) / 1000;
  return {
    rule: 'new_country_login',
    severity: severityForNewCountry(success),
    description: `${success ? 'Login' : 'Failed login'} from ${country}, a country not among the last ${MAX_RECENT_LOGINS} logins, ${duration(gapSeconds)} ${t >= nearest.t ? 'after' : 'before'} a login from ${nearest.country}.`,
    observed: gapSeconds,
    threshold: settings.newCountryWindowSeconds,
  };
}

function insertLogin(logins: readonly RecentLogin[], login: RecentLogin): RecentLogin[] {
  let at = logins.length;
  while (at > 0 && logins[at - 1]!.t > login.t) at--;
  return insertSorted(logins, 0, at, login, MAX_RECENT_LOGINS);
}

function seed(value: number | undefined, settings: RuleSettings): RunningAverage | null {
  return value !== undefined && value > 0 ? { mean: value, n: settings.averageHorizon, seeded: true } : null;
}

/** Flagged values are not learned, so an attacker cannot drag the average up with the fraud itself. */
function learn(avg: RunningAverage | null, x: number, horizon: number): RunningAverage {
  if (!avg) return { mean: x, n: 1, seeded: false };
  const n = avg.n < horizon ? avg.n + 1 : horizon;
  return { mean: avg.mean + (x - avg.mean) / n, n, seeded: avg.seeded };
}

function ratioHit(
  avg: RunningAverage | null,
  value: number,
  multiplier: number,
  minSamples: number,
  describe: (limit: number) => { rule: RuleName; description: string },
): Hit | undefined {
  if (!avg || avg.mean <= 0 || (!avg.seeded && avg.n < minSamples)) return undefined;
  const limit = multiplier * avg.mean;
  if (!(value > limit)) return undefined;
  const { rule, description } = describe(limit);
  return { rule, severity: severityForRatio(value / limit), description, observed: value, threshold: limit };
}

const money = (x: number) => `$${x.toFixed(2)}`;
const mb = (x: number) => `${x.toFixed(1)} MB`;
const ratioText = (x: number, mean: number) => `${(x / mean).toFixed(1)}×`;
function duration(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
