/**
 * Retention of finished instances, as the Durable Task Scheduler's autopurge does it: a policy per
 * terminal status (Completed, Failed, Terminated; DTS also has Canceled) purges an instance's record and
 * history once it has been in that status for the policy's period. Running, pending, suspended and
 * continued-as-new instances are never purged, and entities are not touched (as on DTS).
 *
 * Settings (local.settings.json Values or the environment, like the scheduler's retentionPolicies in
 * infra/app/dts.bicep): DTS_RETENTION_DAYS for every terminal status (default 30, as DTS), and
 * DTS_RETENTION_COMPLETED_DAYS / _FAILED_DAYS / _TERMINATED_DAYS to override one status. DTS takes whole
 * days from 1 to 90; the offline host also takes fractions (a soak or a test keeps minutes).
 */
import type { RuntimeStatus } from '../types.js';

export type TerminalStatus = 'Completed' | 'Failed' | 'Terminated';
export const TERMINAL_STATUSES: readonly TerminalStatus[] = ['Completed', 'Failed', 'Terminated'];

/** Milliseconds an instance is kept after it reached each terminal status. */
export type RetentionPolicy = Record<TerminalStatus, number>;

export const DAY_MS = 86_400_000;
/** The scheduler's default and its maximum (days). */
export const DTS_DEFAULT_RETENTION_DAYS = 30;
export const DTS_MAX_RETENTION_DAYS = 90;

export class RetentionSettingError extends Error {
  override name = 'RetentionSettingError';
}

function days(env: Record<string, string | undefined>, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || n > DTS_MAX_RETENTION_DAYS)
    throw new RetentionSettingError(
      `${name} must be a number of days above 0 and at most ${DTS_MAX_RETENTION_DAYS} (the Durable Task Scheduler's maximum), got '${raw}'.`,
    );
  return n;
}

/** The policy from settings; throws naming the setting when one is out of range. */
export function retentionFromSettings(env: Record<string, string | undefined>): RetentionPolicy {
  const all = days(env, 'DTS_RETENTION_DAYS') ?? DTS_DEFAULT_RETENTION_DAYS;
  const per = (status: TerminalStatus) =>
    (days(env, `DTS_RETENTION_${status.toUpperCase()}_DAYS`) ?? all) * DAY_MS;
  return { Completed: per('Completed'), Failed: per('Failed'), Terminated: per('Terminated') };
}

export function isTerminal(status: RuntimeStatus): status is TerminalStatus {
  return (TERMINAL_STATUSES as readonly string[]).includes(status);
}
