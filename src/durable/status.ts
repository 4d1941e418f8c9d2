/**
 * Runtime statuses of durable instances, one definition for every reader. Canceled is terminal in
 * DurableTask.Core (OrchestrationStatus.Canceled) and in the extension's status queries, so it counts as
 * finished: a case in it reads no more evidence and can never act.
 */
export const FINISHED_STATUSES = ['Completed', 'Failed', 'Terminated', 'Canceled'] as const;
/** Finished without an output of its own: the case view is rebuilt from the input. */
export const FAILED_STATUSES = ['Failed', 'Terminated', 'Canceled'] as const;
export const ACTIVE_STATUSES = ['Running', 'Pending', 'Suspended'] as const;

export function isFinished(runtimeStatus: string): boolean {
  return (FINISHED_STATUSES as readonly string[]).includes(runtimeStatus);
}

export function isFailed(runtimeStatus: string): boolean {
  return (FAILED_STATUSES as readonly string[]).includes(runtimeStatus);
}
