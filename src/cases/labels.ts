import type { RuleName } from '../detection/schema';
import type { ActionName, RiskLevel, SpecialistName } from '../investigation/types';
import type { Outcome, Stage } from '../review/types';

/**
 * What people read for each stage, outcome, action and specialist. Typed against the enums, so a new
 * value fails the build until it has a label; the console's `src/web/labels.js` is generated from this
 * file (`npm run gen:labels`; a test fails when it is stale).
 */
export const STAGE_LABEL: Record<Stage, string> = {
  investigating: 'investigating',
  awaiting_decision: 'awaiting decision',
  executing: 'executing',
  closed: 'closed',
};

export const OUTCOME_LABEL: Record<Outcome, string> = {
  auto_cleared: 'auto-cleared',
  cleared_by_analyst: 'cleared by analyst',
  action_executed: 'action executed',
  escalated_timeout: 'escalated: deadline passed',
  escalated_max_rounds: 'escalated: too many rounds',
  escalated_failure: 'escalated: investigation failed',
};

export const ACTION_LABEL: Record<ActionName, string> = {
  lock_account: 'lock account',
  refund_charges: 'refund charges',
  both: 'lock account and refund charges',
  clear: 'clear (no action)',
};

export const SPECIALIST_LABEL: Record<SpecialistName, string> = {
  usage: 'usage',
  location: 'location',
  billing: 'billing',
};

export const RULE_LABEL: Record<RuleName, string> = {
  new_country_login: 'login from a new country',
  large_transaction: 'large transaction',
  data_usage_spike: 'data usage spike',
  auth_failure_burst: 'burst of failed logins',
  api_call_burst: 'burst of API calls',
  transaction_burst: 'burst of small payments',
  export_volume: 'bulk data export over hours',
  cramming: 'charges from never-used merchants',
  security_change_chain: 'chain of security changes',
  manual: 'raised by an analyst',
};

/** Highest first: the order the console offers them in. */
export const RISK_LEVEL_LABEL: Record<RiskLevel, string> = {
  critical: 'critical',
  high: 'high',
  medium: 'medium',
  low: 'low',
};
