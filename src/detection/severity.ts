import type { Severity } from './schema';

/**
 * Severity of a threshold rule from how far past its threshold the observation is:
 * ratio = observed / threshold (transaction amount / (multiplier × average), usage likewise,
 * auth failures / required count, API calls / burst count).
 *
 *   ratio < 1.5 → medium,  1.5 ≤ ratio < 3 → high,  ratio ≥ 3 → critical.
 *
 * A new-country login is `high` when it succeeded and `medium` when it failed (an attempt, not access).
 * Rules never emit `low`: anything a rule flags deserves a look; `low` is left to manual alerts.
 */
export function severityForRatio(ratio: number): Severity {
  if (ratio >= 3) return 'critical';
  if (ratio >= 1.5) return 'high';
  return 'medium';
}

export function severityForNewCountry(success: boolean): Severity {
  return success ? 'high' : 'medium';
}
