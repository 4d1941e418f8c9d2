import { analyzeBilling } from './billing';
import { analyzeLocation } from './location';
import type { Analysis, AlertFacts, ToolResult } from './read';
import { analyzeUsage } from './usage';

export type Role = 'usage' | 'location' | 'billing' | 'aggregator';

/** The analysis of one specialist's tool results. */
export function analyze(
  role: Exclude<Role, 'aggregator'> | Role,
  results: readonly ToolResult[],
  alert: AlertFacts,
): Analysis {
  if (role === 'usage') return analyzeUsage(results, alert);
  if (role === 'location') return analyzeLocation(results, alert);
  return analyzeBilling(results, alert);
}
