/**
 * Ground truth of the patterns planted in the Contoso dataset — for evaluation and humans only.
 * Agents, the scripted model and rules must derive conclusions from the data the tools return,
 * never from this map. Every customer not listed here is clean (normal noise only).
 *
 * Per dimension: 'none' = consistent with the customer's history, 'weak' = one unexplained or
 * plausibly benign anomaly, 'strong' = a clear fraud pattern backed by several data points.
 */
export type Signal = 'none' | 'weak' | 'strong';

export interface PlantedPattern {
  patterns: string[];
  usage: Signal;
  location: Signal;
  billing: Signal;
  /** What was planted, in one line. */
  note: string;
}

export const plantedPatterns: Readonly<Record<string, PlantedPattern>> = {
  C001: {
    patterns: ['clean_control'],
    usage: 'none',
    location: 'none',
    billing: 'none',
    note: 'Explicit clean control.',
  },
  C002: {
    patterns: ['clean_control'],
    usage: 'none',
    location: 'none',
    billing: 'none',
    note: 'Explicit clean control.',
  },
  C003: {
    patterns: ['data_exfiltration'],
    usage: 'strong',
    location: 'none',
    billing: 'none',
    note: 'Primary line uses ~9-12x its baseline on each of the last 4 days (2026-03-28..31).',
  },
  C007: {
    patterns: ['impossible_travel', 'new_device'],
    usage: 'none',
    location: 'strong',
    billing: 'none',
    note: 'Home login then a successful RU login 39 min later on a new device (2026-03-30), RU again next night.',
  },
  C011: {
    patterns: ['single_usage_spike'],
    usage: 'weak',
    location: 'none',
    billing: 'none',
    note: 'One day at ~12x baseline (2026-03-29), nothing else: plausibly benign (KB-013).',
  },
  C013: {
    patterns: ['account_takeover', 'credential_stuffing', 'mfa_disabled', 'device_financing_fraud'],
    usage: 'none',
    location: 'strong',
    billing: 'strong',
    note: '4 failed NG logins then success on a new device, password change, MFA disabled; 2 phones shipped to NG.',
  },
  C019: {
    patterns: ['sim_swap', 'mfa_to_sms', 'new_device', 'foreign_login', 'high_value_order'],
    usage: 'none',
    location: 'strong',
    billing: 'weak',
    note: 'eSIM replacement order by phone, device change, MFA app->sms, foreign login next day, $899 phone order.',
  },
  C022: {
    patterns: ['cramming', 'billing_dispute'],
    usage: 'none',
    location: 'none',
    billing: 'strong',
    note: 'Third-party premium charges on the 2026-03-01 invoice, disputed (open).',
  },
  C027: {
    patterns: ['card_testing', 'failed_payments'],
    usage: 'none',
    location: 'none',
    billing: 'strong',
    note: '3 failed payments on the March invoice (past due) and a burst of 7 tiny orders, 6 declined, on 2026-03-30.',
  },
  C031: {
    patterns: ['bill_shock_roaming'],
    usage: 'none',
    location: 'none',
    billing: 'weak',
    note: 'Roaming charges (~$375) on the 2026-03-01 invoice, disputed by the customer; no security signal.',
  },
  C036: {
    patterns: ['friendly_fraud', 'refund_abuse'],
    usage: 'none',
    location: 'none',
    billing: 'strong',
    note: '3 refunds and 2 chargebacks on delivered orders within 90 days.',
  },
  C042: {
    patterns: ['account_takeover', 'mfa_disabled', 'data_exfiltration', 'device_financing_fraud'],
    usage: 'strong',
    location: 'strong',
    billing: 'strong',
    note: 'VN takeover (failed logins, success, MFA off, password, new device), 3 days ~10x usage, 2 devices shipped to VN.',
  },
  C045: {
    patterns: ['impossible_travel', 'data_exfiltration'],
    usage: 'strong',
    location: 'strong',
    billing: 'none',
    note: 'Home login then RO login 43 min later on a new device (2026-03-30); usage ~8x on the last 2 days.',
  },
  C048: {
    patterns: ['benign_travel'],
    usage: 'none',
    location: 'weak',
    billing: 'none',
    note: 'False-positive trap: a week of JP logins (2026-03-20..26) from the usual device, no home logins between, MFA intact.',
  },
  C050: {
    patterns: ['stable_heavy_user'],
    usage: 'none',
    location: 'none',
    billing: 'none',
    note: 'False-positive trap: business tier, ~3.9 GB/day and large invoices, steady for 90 days.',
  },
  C053: {
    patterns: ['overage_bill_shock', 'usage_spike_past'],
    usage: 'weak',
    location: 'none',
    billing: 'weak',
    note: 'Nine heavy days in February (~5x) on a 50 GB plan, billed as overage on 2026-03-01 and disputed.',
  },
};
