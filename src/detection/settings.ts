import type { Config } from '../config';

/**
 * The thresholds the rules run with. Built once from Config at the edge (`ruleSettingsFrom`) and passed
 * to `evaluate` as plain data, so the rules never read settings themselves.
 */
export interface RuleSettings {
  /** A login from a new country within this many seconds (inclusive) of a login elsewhere is flagged. */
  newCountryWindowSeconds: number;
  /** A transaction strictly above multiplier × the customer's average amount is flagged. */
  transactionMultiplier: number;
  /** A data_usage report strictly above multiplier × the customer's daily average MB is flagged. */
  dataUsageMultiplier: number;
  /** This many auth failures or more within the window (inclusive at both ends) are flagged. */
  authFailureCount: number;
  authFailureWindowSeconds: number;
  /** Strictly more than this many API calls within the window (inclusive) are flagged. */
  apiBurstCount: number;
  apiBurstWindowSeconds: number;
  /** This many purchases or more within the window (inclusive) are a burst (card testing). */
  transactionBurstCount: number;
  transactionBurstWindowSeconds: number;
  /** A second alert for the same customer and rule less than this many seconds away is suppressed. */
  dedupSeconds: number;
  /** A learned (not baseline-seeded) average must have this many samples before its rule can fire. */
  minSamples: number;
  /** Samples after which an average turns into an exponential moving average (weight 1/horizon). */
  averageHorizon: number;
}

/** Window-rule event counts are stored as timestamps; this caps the stored list (entity state ≤ 1 MB). */
export const MAX_WINDOW_COUNT = 1000;

export const DEFAULT_RULE_SETTINGS: RuleSettings = {
  newCountryWindowSeconds: 7200,
  transactionMultiplier: 3,
  dataUsageMultiplier: 4,
  authFailureCount: 3,
  authFailureWindowSeconds: 300,
  apiBurstCount: 20,
  apiBurstWindowSeconds: 60,
  transactionBurstCount: 8,
  transactionBurstWindowSeconds: 600,
  dedupSeconds: 60,
  minSamples: 5,
  averageHorizon: 50,
};

type RuleConfig = Pick<
  Config,
  | 'RULE_NEW_COUNTRY_WINDOW_SECONDS'
  | 'RULE_TRANSACTION_MULTIPLIER'
  | 'RULE_DATA_USAGE_MULTIPLIER'
  | 'RULE_AUTH_FAILURE_COUNT'
  | 'RULE_AUTH_FAILURE_WINDOW_SECONDS'
  | 'RULE_API_BURST_COUNT'
  | 'RULE_API_BURST_WINDOW_SECONDS'
  | 'RULE_TRANSACTION_BURST_COUNT'
  | 'RULE_TRANSACTION_BURST_WINDOW_SECONDS'
  | 'ALERT_DEDUP_SECONDS'
>;

/** Rule settings from the app settings; throws naming the setting when a count would not fit the state. */
export function ruleSettingsFrom(config: RuleConfig): RuleSettings {
  for (const key of [
    'RULE_AUTH_FAILURE_COUNT',
    'RULE_API_BURST_COUNT',
    'RULE_TRANSACTION_BURST_COUNT',
  ] as const) {
    if (config[key] >= MAX_WINDOW_COUNT)
      throw new RangeError(
        `${key}=${config[key]} is too large: per-customer state keeps at most ${MAX_WINDOW_COUNT} timestamps per window; set it below ${MAX_WINDOW_COUNT}.`,
      );
  }
  return {
    ...DEFAULT_RULE_SETTINGS,
    newCountryWindowSeconds: config.RULE_NEW_COUNTRY_WINDOW_SECONDS,
    transactionMultiplier: config.RULE_TRANSACTION_MULTIPLIER,
    dataUsageMultiplier: config.RULE_DATA_USAGE_MULTIPLIER,
    authFailureCount: config.RULE_AUTH_FAILURE_COUNT,
    authFailureWindowSeconds: config.RULE_AUTH_FAILURE_WINDOW_SECONDS,
    apiBurstCount: config.RULE_API_BURST_COUNT,
    apiBurstWindowSeconds: config.RULE_API_BURST_WINDOW_SECONDS,
    transactionBurstCount: config.RULE_TRANSACTION_BURST_COUNT,
    transactionBurstWindowSeconds: config.RULE_TRANSACTION_BURST_WINDOW_SECONDS,
    dedupSeconds: config.ALERT_DEDUP_SECONDS,
  };
}
