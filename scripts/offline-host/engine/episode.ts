/**
 * One orchestration episode's decisions, as the Durable extension makes them: which new events go into
 * history (and in what order), which ids the orchestrator's actions take, what gets scheduled, and how
 * the instance ends. Pure bookkeeping: the engine invokes the orchestrator and commits the outcome.
 *
 * Id assignment has to match the library's own counter (TaskOrchestrationExecutor.sequenceNumber):
 * leaves take ids in depth-first order when yielded, and the library takes extra ids while it replays
 * some events: a failed retryable task (its retry timer), a fired retry timer with attempts left (the
 * rescheduled task), and a fired intermediate long-timer sub-timer (the next sub-timer). Those events
 * never resume user code, so the host puts them first among an episode's new events: the library then
 * takes their ids before any new leaf, in the same order the host does.
 */
import type { HistoryEvent, OrchestratorResponse } from '../types.js';
import {
  describeAction,
  encodedInputJson,
  flattenActions,
  rawInputJson,
  takesId,
  UnsupportedActionError,
  type Leaf,
} from './actions.js';
import {
  completedTaskId,
  EventType,
  failureDetails,
  historyEvent,
  iso,
  type FailureDetails,
} from './events.js';
import type {
  ActivityMessage,
  EntityMessage,
  InstanceRecord,
  OrchestrationMessage,
  RetryPolicy,
  Slot,
} from './model.js';

export type Outgoing =
  Omit<OrchestrationMessage, 'seq'> | Omit<EntityMessage, 'seq'> | Omit<ActivityMessage, 'seq'>;

export interface ChildStart {
  instanceId: string;
  name: string;
  input: string | null;
  parent: { instanceId: string; executionId: string; taskId: number };
}

export interface EpisodeSettings {
  now: number;
  maximumShortTimerMs: number;
  longRunningTimerIntervalMs: number;
  newGuid(): string;
}

export interface Episode {
  record: InstanceRecord;
  settings: EpisodeSettings;
  /** OrchestratorStarted + this episode's new events, in the order the orchestrator sees them. */
  newEvents: HistoryEvent[];
  /** Events produced by decisions, appended after the orchestrator ran. */
  produced: HistoryEvent[];
  outgoing: Outgoing[];
  children: ChildStart[];
  /** Timer ids whose pending TimerFired must be dropped (cancelled, or the instance ended). */
  cancelledTimers: number[];
  continueAsNew?: { input: string | null; waits: string[] };
  ended: boolean;
}

export function beginEpisode(
  record: InstanceRecord,
  inbound: HistoryEvent[],
  settings: EpisodeSettings,
): Episode {
  const episode: Episode = {
    record,
    settings,
    newEvents: [historyEvent(EventType.OrchestratorStarted, settings.now)],
    produced: [],
    outgoing: [],
    children: [],
    cancelledTimers: [],
    ended: false,
  };
  const first: HistoryEvent[] = [];
  const idTaking: HistoryEvent[] = [];
  const rest: HistoryEvent[] = [];
  for (const event of inbound) {
    if (event.EventType === EventType.ExecutionStarted || event.EventType === EventType.ExecutionResumed) {
      first.push(event);
      continue;
    }
    const effect = classify(record, event, settings.now);
    if (effect === 'drop') continue;
    if (effect === 'normal') rest.push(event);
    else idTaking.push(event);
  }
  for (const event of idTaking) applyIdTakingEvent(episode, event);
  episode.newEvents.push(...first, ...idTaking, ...rest);
  return episode;
}

type Effect = 'drop' | 'normal' | 'takesId';

/** Whether the library takes a new id while replaying `event` (see the file comment). */
function classify(record: InstanceRecord, event: HistoryEvent, now: number): Effect {
  const id = completedTaskId(event);
  if (id === undefined) return 'normal';
  const slot = slotOf(record, id);
  if (!slot) return 'normal';
  if (slot.timer) {
    if (id !== slot.currentId || slot.timer.cancelled) return 'drop';
    return slot.timer.finalFireAt > now ? 'takesId' : 'normal';
  }
  if (slot.retry) {
    const failed =
      event.EventType === EventType.TaskFailed ||
      event.EventType === EventType.SubOrchestrationInstanceFailed;
    if (failed && id === slot.currentId) return 'takesId';
    if (event.EventType === EventType.TimerFired && id === slot.retry.waitingTimerId) {
      return slot.retry.failures < slot.retry.policy.maxNumberOfAttempts ? 'takesId' : 'normal';
    }
  }
  return 'normal';
}

function slotOf(record: InstanceRecord, id: number): Slot | undefined {
  const index = record.shim.idToSlot[id];
  return index === undefined ? undefined : record.shim.slots[index];
}

function takeId(episode: Episode, slotIndex: number): number {
  const shim = episode.record.shim;
  const id = shim.nextId++;
  shim.idToSlot[id] = slotIndex;
  return id;
}

function applyIdTakingEvent(episode: Episode, event: HistoryEvent): void {
  const id = completedTaskId(event) as number;
  const slotIndex = episode.record.shim.idToSlot[id] as number;
  const slot = episode.record.shim.slots[slotIndex] as Slot;
  const { now } = episode.settings;
  if (slot.timer) {
    const newId = takeId(episode, slotIndex);
    slot.currentId = newId;
    scheduleTimer(episode, newId, nextSubTimerFireAt(episode.settings, slot.timer.finalFireAt));
    return;
  }
  const retry = slot.retry as NonNullable<Slot['retry']>;
  if (event.EventType === EventType.TimerFired) {
    const newId = takeId(episode, slotIndex);
    slot.currentId = newId;
    retry.waitingTimerId = undefined;
    scheduleWork(episode, slot, newId);
    return;
  }
  // A failed attempt: the retry timer (created after the last attempt too, like DurableTask.Core's
  // RetryInterceptor; the library then surfaces the failure when it fires).
  retry.failures++;
  const timerId = takeId(episode, slotIndex);
  retry.waitingTimerId = timerId;
  scheduleTimer(episode, timerId, now + retryDelayMs(retry.policy, retry.failures));
}

/** firstRetryInterval × backoff^(attempt-1), capped by maxRetryInterval. */
export function retryDelayMs(policy: RetryPolicy, failures: number): number {
  const delay =
    policy.firstRetryIntervalInMilliseconds * Math.pow(policy.backoffCoefficient ?? 1, failures - 1);
  const max = policy.maxRetryIntervalInMilliseconds;
  return max !== undefined && max > 0 ? Math.min(delay, max) : delay;
}

/** LongTimerTask's rule: sub-timers of longRunningTimerInterval while more than maximumShortTimer remains. */
function nextSubTimerFireAt(settings: EpisodeSettings, finalFireAt: number): number {
  return finalFireAt - settings.now > settings.maximumShortTimerMs
    ? settings.now + settings.longRunningTimerIntervalMs
    : finalFireAt;
}

function scheduleTimer(episode: Episode, id: number, fireAt: number): void {
  episode.produced.push(
    historyEvent(EventType.TimerCreated, episode.settings.now, { FireAt: iso(fireAt) }, id),
  );
  episode.outgoing.push({
    kind: 'orchestration',
    target: episode.record.id,
    executionId: episode.record.executionId,
    visibleAt: fireAt,
    event: historyEvent(EventType.TimerFired, fireAt, { TimerId: id, FireAt: iso(fireAt) }),
  });
}

/** Schedules an activity or sub-orchestration slot under `id`. */
function scheduleWork(episode: Episode, slot: Slot, id: number): void {
  const { record, settings } = episode;
  if (slot.kind === 'activity') {
    episode.produced.push(
      historyEvent(EventType.TaskScheduled, settings.now, { Name: slot.name, Input: slot.input ?? null }, id),
    );
    episode.outgoing.push({
      kind: 'activity',
      target: record.id,
      executionId: record.executionId,
      visibleAt: settings.now,
      taskId: id,
      name: slot.name,
      input: slot.input ?? null,
    });
    return;
  }
  // DurableTask.Core's default child id: the parent's execution id and the task id.
  const instanceId = slot.subInstanceId ?? `${record.executionId}:${id}`;
  episode.produced.push(
    historyEvent(
      EventType.SubOrchestrationInstanceCreated,
      settings.now,
      { Name: slot.name, InstanceId: instanceId, Input: slot.input ?? null },
      id,
    ),
  );
  episode.children.push({
    instanceId,
    name: slot.name,
    input: slot.input ?? null,
    parent: { instanceId: record.id, executionId: record.executionId, taskId: id },
  });
}

/** Applies the orchestrator's answer: replay check, new actions, completion. */
export function applyResponse(episode: Episode, response: OrchestratorResponse): void {
  const { record } = episode;
  record.customStatus = response.customStatus === undefined ? null : JSON.stringify(response.customStatus);
  if (response.error !== undefined) {
    // Like the extension's shim, actions the orchestrator issued before it threw are still carried out
    // (a signal sent just before a throw arrives), then the instance fails.
    if (response.actions && !scheduleNewActions(episode, response.actions)) return;
    const details = toFailureDetails(response.failureDetails, response.error);
    fail(episode, `Orchestrator function '${record.name}' failed: ${response.error}`, details);
    return;
  }
  const leaves = scheduleNewActions(episode, response.actions);
  if (!leaves || !response.isDone) return;
  const can = leaves.find((l) => l.kind === 'continueAsNew');
  if (can) {
    const input = encodedInputJson(can.action.input);
    episode.produced.push(historyEvent(EventType.ContinueAsNew, episode.settings.now, { Result: input }));
    episode.continueAsNew = { input, waits: leaves.filter((l) => l.kind === 'wait').map((l) => l.name) };
    endInstance(episode);
    return;
  }
  const output = response.output === undefined ? null : JSON.stringify(response.output);
  episode.produced.push(
    historyEvent(EventType.ExecutionCompleted, episode.settings.now, {
      OrchestrationStatus: 'Completed',
      Result: output,
    }),
  );
  record.status = 'Completed';
  record.output = output;
  endInstance(episode);
  notifyParent(episode, EventType.SubOrchestrationInstanceCompleted, { Result: output ?? 'null' });
}

/** Replay check of the cumulative action tree, then scheduling of its new leaves; undefined = failed. */
function scheduleNewActions(episode: Episode, actions: unknown): Leaf[] | undefined {
  const { record } = episode;
  let leaves: Leaf[];
  try {
    leaves = flattenActions(actions);
  } catch (err) {
    if (!(err instanceof UnsupportedActionError)) throw err;
    fail(episode, err.message, failureDetails('NotSupportedException', err.message));
    return undefined;
  }
  const idLeaves = leaves.filter(takesId);
  const slots = record.shim.slots;
  for (let i = 0; i < idLeaves.length; i++) {
    const leaf = idLeaves[i] as Leaf & { kind: Slot['kind'] };
    const slot = slots[i];
    if (!slot) {
      scheduleLeaf(episode, leaf);
      continue;
    }
    if (slot.kind !== leaf.kind || slot.actionType !== leaf.action.actionType || slot.name !== leaf.name) {
      const message =
        `Non-deterministic workflow detected: task id ${firstIdOf(record, i)} was ${describeAction(slot.kind, slot.actionType, slot.name)} ` +
        `in the recorded history, but the orchestrator now schedules ${describeAction(leaf.kind, leaf.action.actionType, leaf.name)} there. ` +
        'The orchestrator code changed while this instance was running; start a new instance (or version the orchestration).';
      fail(episode, message, failureDetails('NonDeterministicOrchestrationException', message));
      return undefined;
    }
    if (slot.timer && leaf.action.isCanceled && !slot.timer.cancelled) {
      slot.timer.cancelled = true;
      episode.cancelledTimers.push(slot.currentId);
    }
  }
  return leaves;
}

function firstIdOf(record: InstanceRecord, slotIndex: number): number {
  for (const [id, index] of Object.entries(record.shim.idToSlot)) if (index === slotIndex) return Number(id);
  return -1;
}

function scheduleLeaf(episode: Episode, leaf: Leaf & { kind: Slot['kind'] }): void {
  const { record, settings } = episode;
  const a = leaf.action;
  const slotIndex = record.shim.slots.length;
  const slot: Slot = { kind: leaf.kind, actionType: a.actionType, name: leaf.name, currentId: -1 };
  record.shim.slots.push(slot);
  const id = takeId(episode, slotIndex);
  slot.currentId = id;
  if (a.retryOptions) slot.retry = { policy: a.retryOptions, failures: 0 };

  switch (leaf.kind) {
    case 'activity':
      slot.input = encodedInputJson(a.input);
      scheduleWork(episode, slot, id);
      return;
    case 'subOrchestration':
      slot.input = rawInputJson(a.input);
      if (a.instanceId) slot.subInstanceId = a.instanceId;
      scheduleWork(episode, slot, id);
      return;
    case 'timer': {
      const finalFireAt = Date.parse(a.fireAt ?? '');
      slot.timer = { finalFireAt, cancelled: a.isCanceled === true };
      const fireAt = nextSubTimerFireAt(settings, finalFireAt);
      if (slot.timer.cancelled) {
        episode.produced.push(
          historyEvent(EventType.TimerCreated, settings.now, { FireAt: iso(fireAt) }, id),
        );
      } else {
        scheduleTimer(episode, id, fireAt);
      }
      return;
    }
    case 'callEntity':
    case 'signalEntity': {
      const isSignal = leaf.kind === 'signalEntity';
      const requestId = settings.newGuid();
      const input = rawInputJson(a.input) ?? undefined;
      const target = a.instanceId ?? '';
      const request = {
        op: a.operation,
        signal: isSignal,
        input,
        id: requestId,
        parent: isSignal ? undefined : record.id,
      };
      episode.produced.push(
        historyEvent(
          EventType.EventSent,
          settings.now,
          { InstanceId: target, Name: 'op', Input: JSON.stringify(request) },
          id,
        ),
      );
      episode.outgoing.push({
        kind: 'entity',
        target,
        visibleAt: settings.now,
        op: {
          name: a.operation ?? '',
          ...(input !== undefined ? { input } : {}),
          isSignal,
          id: requestId,
          ...(isSignal ? {} : { parent: record.id, parentExecutionId: record.executionId }),
        },
      });
      return;
    }
    case 'callHttp': {
      const message = 'context.df.callHttp is not supported by the offline host.';
      fail(episode, message, failureDetails('NotSupportedException', message));
      return;
    }
  }
}

export function fail(episode: Episode, message: string, details: FailureDetails): void {
  const { record, settings } = episode;
  const output = JSON.stringify(message);
  episode.produced.push(
    historyEvent(EventType.ExecutionCompleted, settings.now, {
      OrchestrationStatus: 'Failed',
      Result: output,
      FailureDetails: details,
    }),
  );
  record.status = 'Failed';
  record.output = output;
  endInstance(episode);
  notifyParent(episode, EventType.SubOrchestrationInstanceFailed, {
    Reason: message,
    Details: null,
    FailureDetails: details,
  });
}

/** Terminate: ExecutionTerminated then completion with status Terminated; output = reason. */
export function terminate(episode: Episode, reason: string | null): void {
  const { record, settings } = episode;
  const output = reason === null ? null : JSON.stringify(reason);
  episode.newEvents.push(historyEvent(EventType.ExecutionTerminated, settings.now, { Input: output }));
  episode.produced.push(
    historyEvent(EventType.ExecutionCompleted, settings.now, {
      OrchestrationStatus: 'Terminated',
      Result: output,
    }),
  );
  record.status = 'Terminated';
  record.output = output;
  endInstance(episode);
  const message = `Instance '${record.id}' was terminated${reason ? `: ${reason}` : '.'}`;
  notifyParent(episode, EventType.SubOrchestrationInstanceFailed, {
    Reason: message,
    Details: null,
    FailureDetails: failureDetails('OrchestrationTerminated', message),
  });
}

function endInstance(episode: Episode): void {
  episode.ended = true;
  for (const slot of episode.record.shim.slots) {
    if (slot.timer && !slot.timer.cancelled) episode.cancelledTimers.push(slot.currentId);
    if (slot.retry?.waitingTimerId !== undefined) episode.cancelledTimers.push(slot.retry.waitingTimerId);
  }
}

function notifyParent(episode: Episode, type: number, fields: Record<string, unknown>): void {
  const parent = episode.record.parent;
  if (!parent) return;
  episode.outgoing.push({
    kind: 'orchestration',
    target: parent.instanceId,
    executionId: parent.executionId,
    visibleAt: episode.settings.now,
    event: historyEvent(type, episode.settings.now, { TaskScheduledId: parent.taskId, ...fields }),
  });
}

function toFailureDetails(payload: unknown, error: string): FailureDetails {
  if (payload && typeof payload === 'object') {
    const p = payload as Partial<FailureDetails>;
    return failureDetails(p.ErrorType ?? 'Error', p.ErrorMessage ?? error, p.StackTrace ?? undefined);
  }
  return failureDetails('Error', error);
}

/**
 * Events raised to this execution that no wait consumed: carried into the next execution on
 * continue-as-new. Each wait consumes one event of its name, oldest first; entity responses (named by
 * the request ids of this execution's EventSent) are not external events.
 */
export function unconsumedEvents(history: readonly HistoryEvent[], waits: readonly string[]): HistoryEvent[] {
  const requestIds = new Set<string>();
  for (const e of history) {
    if (e.EventType !== EventType.EventSent || typeof e.Input !== 'string') continue;
    try {
      requestIds.add(String((JSON.parse(e.Input) as { id?: unknown }).id));
    } catch {
      // Not a request message.
    }
  }
  const budget = new Map<string, number>();
  for (const name of waits) budget.set(name, (budget.get(name) ?? 0) + 1);
  const carried: HistoryEvent[] = [];
  for (const e of history) {
    if (e.EventType !== EventType.EventRaised) continue;
    const name = String(e.Name);
    if (requestIds.has(name)) continue;
    const left = budget.get(name) ?? 0;
    if (left > 0) budget.set(name, left - 1);
    else carried.push(e);
  }
  return carried;
}
