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
  if (opts.showHistory && record.status !== 'Pending') {
    status.history = readableHistory(history ?? [], {
      showHistoryOutput: opts.showHistoryOutput === true,
      showInput: opts.showInput !== false,
    });
  }
  return status;
}

/**
 * The history the Durable HTTP API shows with `showHistory=true`, built as the extension's
 * DurableClient.GetDurableOrchestrationStatusAsync builds it (azure-functions-durable-extension @ a7c6d69,
 * src/WebJobs.Extensions.DurableTask/ContextImplementations/DurableClient.cs): event types by name;
 * episode markers dropped; a TaskScheduled / SubOrchestrationInstanceCreated folded into its completion
 * (FunctionName, ScheduledTime and, with showInput, its raw Input) while pending ones stay; TimerCreated
 * and EventRaised kept; Results only with showHistoryOutput (then parsed); Input fields stay raw JSON
 * text, and go with showInput=false; EventId, IsPlayed, TaskScheduledId, TimerId and Version removed.
 */
export function readableHistory(
  history: readonly HistoryEvent[],
  opts: { showHistoryOutput: boolean; showInput: boolean },
): unknown[] {
  const items = history.map((e) => ({ ...e }) as Record<string, unknown>);
  const scheduled = new Map<string, { index: number; name: unknown; date: unknown; input: unknown }>();
  const removed = new Set<number>();
  const aggregate = (prefix: string, item: Record<string, unknown>) => {
    const origin = scheduled.get(`${prefix}_${String(item.TaskScheduledId)}`);
    if (!origin) return;
    item.ScheduledTime = origin.date;
    item.FunctionName = origin.name;
    if (opts.showInput) item.Input = origin.input;
    removed.add(origin.index);
  };
  const result = (item: Record<string, unknown>, show: boolean) => {
    if (!show) delete item.Result;
    else item.Result = parseToken(item.Result as string | null | undefined);
  };
  items.forEach((item, i) => {
    const type = item.EventType as number;
    item.EventType = eventTypeName(type);
    switch (type) {
      case EventType.TaskScheduled:
      case EventType.SubOrchestrationInstanceCreated:
        scheduled.set(`${eventTypeName(type)}_${String(item.EventId)}`, {
          index: i,
          name: item.Name,
          date: item.Timestamp,
          input: item.Input,
        });
        delete item.Version;
        break;
      case EventType.TaskCompleted:
      case EventType.TaskFailed:
        aggregate('TaskScheduled', item);
        delete item.TaskScheduledId;
        result(item, opts.showHistoryOutput && type === EventType.TaskCompleted);
        break;
      case EventType.SubOrchestrationInstanceCompleted:
      case EventType.SubOrchestrationInstanceFailed:
        aggregate('SubOrchestrationInstanceCreated', item);
        delete item.TaskScheduledId;
        result(item, opts.showHistoryOutput && type === EventType.SubOrchestrationInstanceCompleted);
        break;
      case EventType.ExecutionStarted:
        item.FunctionName = item.Name;
        for (const k of ['Name', 'OrchestrationInstance', 'ParentInstance', 'Version', 'Tags'])
          delete item[k];
        break;
      case EventType.ExecutionCompleted:
        result(item, opts.showHistoryOutput);
        break;
      case EventType.TimerFired:
        delete item.TimerId;
        break;
      case EventType.OrchestratorStarted:
      case EventType.OrchestratorCompleted:
        removed.add(i);
        break;
    }
    if (!opts.showInput) delete item.Input;
    delete item.EventId;
    delete item.IsPlayed;
  });
  return items.filter((_, i) => !removed.has(i));
}

/** DurableClient.ParseToJToken: JSON when it parses, else the raw text; null stays null. */
function parseToken(text: string | null | undefined): unknown {
  if (text === null || text === undefined) return null;
  const trimmed = text.trim();
  if (trimmed === '') return '';
  try {
    return JSON.parse(trimmed);
  } catch {
    return trimmed;
  }
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
