/** Instance status in the Durable HTTP API's shape, the readable history, and the per-instance trace. */
import type { HistoryEvent, InstanceStatus } from '../types.js';
import { EventType, eventTypeName } from './events.js';
import type { InstanceRecord } from './model.js';

export function parseJson(text: string | null | undefined): unknown {
  if (text === null || text === undefined || text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function toInstanceStatus(
  record: InstanceRecord,
  history: readonly HistoryEvent[] | undefined,
  opts: { showHistory?: boolean; showHistoryOutput?: boolean; showInput?: boolean } = {},
): InstanceStatus {
  const status: InstanceStatus = {
    name: record.name,
    instanceId: record.id,
    createdTime: new Date(record.createdAt).toISOString(),
    lastUpdatedTime: new Date(record.updatedAt).toISOString(),
    input: opts.showInput === false ? null : parseJson(record.input),
    output: parseJson(record.output),
    runtimeStatus: record.status,
    customStatus: parseJson(record.customStatus),
  };
  if (opts.showHistory) status.history = readableHistory(history ?? [], opts.showHistoryOutput === true);
  return status;
}

/**
 * Like the extension's showHistory: episode markers and scheduling events are folded away; each
 * completion names its function and when it was scheduled.
 */
export function readableHistory(history: readonly HistoryEvent[], showOutput: boolean): unknown[] {
  const scheduled = new Map<number, HistoryEvent>();
  const out: unknown[] = [];
  for (const e of history) {
    switch (e.EventType) {
      case EventType.OrchestratorStarted:
      case EventType.OrchestratorCompleted:
        continue;
      case EventType.TaskScheduled:
      case EventType.SubOrchestrationInstanceCreated:
      case EventType.TimerCreated:
        scheduled.set(e.EventId, e);
        continue;
    }
    const item: Record<string, unknown> = { EventType: eventTypeName(e.EventType), Timestamp: e.Timestamp };
    const taskId = (e.TaskScheduledId ?? e.TimerId) as number | undefined;
    const origin = taskId === undefined ? undefined : scheduled.get(taskId);
    if (origin) {
      if (origin.Name !== undefined) item.FunctionName = origin.Name;
      item.ScheduledTime = origin.Timestamp;
    }
    if (e.EventType === EventType.ExecutionStarted) {
      item.FunctionName = e.Name;
      if (showOutput) item.Input = parseJson(e.Input as string | null);
    }
    if (e.EventType === EventType.EventRaised || e.EventType === EventType.EventSent) {
      item.Name = e.Name;
      if (showOutput) item.Input = parseJson(e.Input as string | null);
    }
    if (e.EventType === EventType.TimerFired) item.FireAt = e.FireAt;
    if (e.EventType === EventType.ExecutionCompleted) item.OrchestrationStatus = e.OrchestrationStatus;
    if (showOutput && e.Result !== undefined) item.Result = parseJson(e.Result as string | null);
    if (e.FailureDetails !== undefined) item.FailureDetails = e.FailureDetails;
    else if (e.Reason !== undefined) item.Reason = e.Reason;
    out.push(item);
  }
  return out;
}

/** One line per event, episodes separated; ids shown the way completions point back at them. */
export function traceText(record: InstanceRecord, history: readonly HistoryEvent[]): string {
  const lines = [`instance ${record.id} (${record.name}) execution ${record.executionId}: ${record.status}`];
  let episode = 0;
  for (const e of history) {
    if (e.EventType === EventType.OrchestratorStarted) {
      lines.push(`── episode ${++episode} at ${e.Timestamp}`);
      continue;
    }
    if (e.EventType === EventType.OrchestratorCompleted) continue;
    const id = e.EventId >= 0 ? `#${e.EventId}` : '';
    const ref = e.TaskScheduledId ?? e.TimerId;
    const parts = [`  ${eventTypeName(e.EventType)}${id}`];
    if (ref !== undefined) parts.push(`→#${String(ref)}`);
    for (const field of ['Name', 'InstanceId', 'FireAt', 'OrchestrationStatus']) {
      if (e[field] !== undefined && e[field] !== null) parts.push(`${field}=${String(e[field])}`);
    }
    for (const field of ['Input', 'Result']) {
      const value = e[field];
      if (typeof value === 'string')
        parts.push(`${field}=${value.length > 120 ? `${value.slice(0, 117)}...` : value}`);
    }
    const fd = e.FailureDetails as { ErrorType?: string; ErrorMessage?: string } | undefined;
    if (fd) parts.push(`failed: ${fd.ErrorType}: ${fd.ErrorMessage}`);
    lines.push(parts.join(' '));
  }
  if (record.customStatus !== null) lines.push(`customStatus=${record.customStatus}`);
  return lines.join('\n');
}
