import type { Severity } from '../detection/schema';
import type { SpecialistName } from './types';

/**
 * Scores a specialist gets when no tool evidence backs its answer (the reference implementation's
 * severity fallbacks). Such findings are always marked degraded.
 */
export const SEVERITY_FALLBACK: Readonly<Record<SpecialistName, Readonly<Record<Severity, number>>>> = {
  usage: { low: 0.3, medium: 0.5, high: 0.7, critical: 0.9 },
  location: { low: 0.3, medium: 0.5, high: 0.8, critical: 0.95 },
  billing: { low: 0.2, medium: 0.4, high: 0.6, critical: 0.85 },
};

export function severityFallbackScore(specialist: SpecialistName, severity: Severity): number {
  return SEVERITY_FALLBACK[specialist][severity];
}
