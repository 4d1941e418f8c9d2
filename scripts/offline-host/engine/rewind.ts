/**
 * Rewind of a failed instance as DurableTask.Core does it for the Durable Task Scheduler, the one
 * backend that supports it (Azure/durabletask @ 5217032, src/DurableTask.Core/TaskOrchestrationDispatcher.cs,
 * ProcessRewindOrchestrationDecision; the DTFx maintainers: "Currently only DTS has support for this",
 * Azure/durabletask#731): the history is copied without the failed tasks' TaskScheduled, TaskFailed and
 * SubOrchestrationInstanceFailed events and without ExecutionCompleted, under a new execution id; each
 * failed sub-orchestration is rewound the same way; the instance then runs again and schedules the failed
 * tasks anew. (A retried activity's timers stay in the history, so its replay fails as nondeterministic —
 * the known limitation of rewind with retries, azure-functions-durable-extension#617.)
 */
import type { HistoryEvent } from '../types.js';
import { EventType, historyEvent } from './events.js';

export const EXECUTION_REWOUND = 21;

export interface RewoundHistory {
  events: HistoryEvent[];
  /** Failed sub-orchestrations to rewind too. */
  children: string[];
}

export function rewindHistory(
  history: readonly HistoryEvent[],
  reason: string | null,
  now: number,
): RewoundHistory {
  const failed = new Set<number>();
  for (const e of history) {
    if (e.EventType === EventType.TaskFailed || e.EventType === EventType.SubOrchestrationInstanceFailed)
      failed.add(e.TaskScheduledId as number);
  }
  const children: string[] = [];
  const events: HistoryEvent[] = [];
  for (const e of history) {
    if (e.EventType === EventType.TaskScheduled && failed.has(e.EventId)) continue;
    if (
      e.EventType === EventType.TaskFailed ||
      e.EventType === EventType.SubOrchestrationInstanceFailed ||
      e.EventType === EventType.ExecutionCompleted
    )
      continue;
    if (e.EventType === EventType.SubOrchestrationInstanceCreated && failed.has(e.EventId))
      children.push(String(e.InstanceId));
    events.push({ ...e, IsPlayed: true });
  }
  events.push(
    historyEvent(EventType.OrchestratorStarted, now),
    historyEvent(EXECUTION_REWOUND, now, { Reason: reason }),
    historyEvent(EventType.OrchestratorCompleted, now),
  );
  for (const e of events) e.IsPlayed = true;
  return { events, children };
}
