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
  /**
   * Slow-burn exfiltration: this many calls or more to bulk-data endpoints (src/detection/endpoints.ts)
   * within the window, and more than `exportVolumeMultiplier` × the customer's busiest day of such calls.
   */
  exportVolumeCount: number;
  exportVolumeWindowSeconds: number;
  exportVolumeMultiplier: number;
  /** Cramming: this many charges of at most `crammingMaxAmount` from never-used merchants within the window. */
  crammingCount: number;
  crammingWindowSeconds: number;
  crammingMaxAmount: number;
  /**
   * Account-takeover chain: this many different security changes (password, MFA off or weaker, e-mail,
   * address, SIM, a new device registered or signing in) within the window.
   */
  securityChainCount: number;
  securityChainWindowSeconds: number;
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
  exportVolumeCount: 40,
  exportVolumeWindowSeconds: 21_600,
  exportVolumeMultiplier: 3,
  crammingCount: 3,
  crammingWindowSeconds: 21_600,
  crammingMaxAmount: 60,
  securityChainCount: 3,
  securityChainWindowSeconds: 86_400,
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
  | 'RULE_EXPORT_VOLUME_COUNT'
  | 'RULE_EXPORT_VOLUME_WINDOW_SECONDS'
  | 'RULE_EXPORT_VOLUME_MULTIPLIER'
  | 'RULE_CRAMMING_COUNT'
  | 'RULE_CRAMMING_WINDOW_SECONDS'
  | 'RULE_CRAMMING_MAX_AMOUNT'
  | 'RULE_SECURITY_CHAIN_COUNT'
  | 'RULE_SECURITY_CHAIN_WINDOW_SECONDS'
  | 'ALERT_DEDUP_SECONDS'
>;

/** Rule settings from the app settings; throws naming the setting when a count would not fit the state. */
export function ruleSettingsFrom(config: RuleConfig): RuleSettings {
  for (const key of [
    'RULE_AUTH_FAILURE_COUNT',
    'RULE_API_BURST_COUNT',
    'RULE_TRANSACTION_BURST_COUNT',
    'RULE_EXPORT_VOLUME_COUNT',
    'RULE_CRAMMING_COUNT',
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
    exportVolumeCount: config.RULE_EXPORT_VOLUME_COUNT,
    exportVolumeWindowSeconds: config.RULE_EXPORT_VOLUME_WINDOW_SECONDS,
    exportVolumeMultiplier: config.RULE_EXPORT_VOLUME_MULTIPLIER,
    crammingCount: config.RULE_CRAMMING_COUNT,
    crammingWindowSeconds: config.RULE_CRAMMING_WINDOW_SECONDS,
    crammingMaxAmount: config.RULE_CRAMMING_MAX_AMOUNT,
    securityChainCount: config.RULE_SECURITY_CHAIN_COUNT,
    securityChainWindowSeconds: config.RULE_SECURITY_CHAIN_WINDOW_SECONDS,
    dedupSeconds: config.ALERT_DEDUP_SECONDS,
  };
}
