/** History events in the extension's JSON shape (reference/durable-protocol.md, "History events"). */
import type { HistoryEvent } from '../types.js';

export const EventType = {
  ExecutionStarted: 0,
  ExecutionCompleted: 1,
  ExecutionFailed: 2,
  ExecutionTerminated: 3,
  TaskScheduled: 4,
  TaskCompleted: 5,
  TaskFailed: 6,
  SubOrchestrationInstanceCreated: 7,
  SubOrchestrationInstanceCompleted: 8,
  SubOrchestrationInstanceFailed: 9,
  TimerCreated: 10,
  TimerFired: 11,
  OrchestratorStarted: 12,
  OrchestratorCompleted: 13,
  EventSent: 14,
  EventRaised: 15,
  ContinueAsNew: 16,
  GenericEvent: 17,
  HistoryState: 18,
  ExecutionSuspended: 19,
  ExecutionResumed: 20,
} as const;

const NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(EventType).map(([name, value]) => [value, name]),
);

export function eventTypeName(type: number): string {
  return NAMES[type] ?? `EventType${type}`;
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** A new event: EventId -1 unless it schedules something (then the orchestration's own id). */
export function historyEvent(
  type: number,
  at: number,
  fields: Record<string, unknown> = {},
  eventId = -1,
): HistoryEvent {
  return { EventType: type, EventId: eventId, IsPlayed: false, Timestamp: iso(at), ...fields };
}

/** FailureDetails as the extension writes them on TaskFailed / SubOrchestrationInstanceFailed. */
export interface FailureDetails {
  ErrorType: string;
  ErrorMessage: string;
  StackTrace: string | null;
  IsNonRetriable: boolean;
  Properties: Record<string, unknown> | null;
  InnerFailure: FailureDetails | null;
}

export function failureDetails(errorType: string, message: string, stackTrace?: string): FailureDetails {
  return {
    ErrorType: errorType,
    ErrorMessage: message,
    StackTrace: stackTrace ?? null,
    IsNonRetriable: false,
    Properties: null,
    InnerFailure: null,
  };
}

/** Completion events point back at their scheduling event through one of these fields. */
export function completedTaskId(event: HistoryEvent): number | undefined {
  switch (event.EventType) {
    case EventType.TaskCompleted:
    case EventType.TaskFailed:
    case EventType.SubOrchestrationInstanceCompleted:
    case EventType.SubOrchestrationInstanceFailed:
      return event.TaskScheduledId as number;
    case EventType.TimerFired:
      return event.TimerId as number;
    default:
      return undefined;
  }
}
