import type * as df from 'durable-functions';
import { Orchestrations } from '../names';

/**
 * The app purges its own completed ingest instances, minutes after they finish, through the durable
 * client (the same calls on the offline host, the DTS emulator and DTS). The scheduler's retention policies
 * cannot do it: they select by status and age only (days, at least one), and would keep millions of
 * one-shot ingest instances for weeks. Everything else finished (cases, whose records outlive them in
 * src/records; failed ingests, kept so a resend can be traced) is left to those policies.
 */

/** How far back each sweep looks past the retention period: sweeps missed for longer fall to the scheduler. */
export const SWEEP_LOOKBACK_MS = 15 * 60_000;
const PARALLEL_PURGES = 16;

export interface SweepWindow {
  createdTimeFrom: Date;
  createdTimeTo: Date;
}

/** Instances created in this window are old enough to purge once completed. */
export function ingestSweepWindow(nowMs: number, retentionMinutes: number): SweepWindow {
  const to = nowMs - retentionMinutes * 60_000;
  return { createdTimeFrom: new Date(to - SWEEP_LOOKBACK_MS), createdTimeTo: new Date(to) };
}

/** The ingest instances of a listing that may go: completed, and finished before the cutoff. */
export function purgeableIngests(
  instances: ReadonlyArray<{
    name: string;
    instanceId: string;
    runtimeStatus: string;
    lastUpdatedTime: Date | string;
  }>,
  cutoffMs: number,
): string[] {
  return instances
    .filter(
      (i) =>
        i.name === Orchestrations.ingestTelemetry &&
        i.runtimeStatus === 'Completed' &&
        new Date(i.lastUpdatedTime).getTime() <= cutoffMs,
    )
    .map((i) => i.instanceId);
}

/** Lists completed instances created in the window and purges the ingest ones; returns how many went. */
export async function purgeFinishedIngests(
  client: df.DurableClient,
  nowMs: number,
  retentionMinutes: number,
): Promise<number> {
  const window = ingestSweepWindow(nowMs, retentionMinutes);
  const listed = (await client.getStatusBy({
    ...window,
    runtimeStatus: ['Completed' as df.OrchestrationRuntimeStatus],
  })) as unknown as Parameters<typeof purgeableIngests>[0];
  const ids = purgeableIngests(listed, window.createdTimeTo.getTime());
  let purged = 0;
  for (let i = 0; i < ids.length; i += PARALLEL_PURGES) {
    const results = await Promise.all(
      ids.slice(i, i + PARALLEL_PURGES).map((id) => client.purgeInstanceHistory(id)),
    );
    purged += results.reduce((n, r) => n + (r?.instancesDeleted ?? 0), 0);
  }
  return purged;
}
