/**
 * One orchestration episode's outcome as the Durable extension writes it: the new events in the order
 * they arrived, then what the extension's replay of the orchestrator's actions decided (shim-replay.ts):
 * the scheduling events of new tasks under the extension's ids, the messages they send, and how the
 * instance ends. Pure bookkeeping: the engine invokes the orchestrator and commits the outcome.
 */
import type { HistoryEvent, OrchestratorResponse } from '../types.js';
import type { DtfxAction } from './dtfx-context.js';
import { EventType, failureDetails, historyEvent, iso, type FailureDetails } from './events.js';
import type { ActivityMessage, EntityMessage, InstanceRecord, OrchestrationMessage } from './model.js';
import { instanceIdProblem, payloadProblem } from './limits.js';
import {
  replayEpisode,
  type Completion,
  type KnownFunctions,
  type ShimSettings,
  type Warning,
} from './shim-replay.js';

export type Outgoing =
  Omit<OrchestrationMessage, 'seq'> | Omit<EntityMessage, 'seq'> | Omit<ActivityMessage, 'seq'>;

export interface ChildStart {
  instanceId: string;
  name: string;
  input: string | null;
  parent: { instanceId: string; executionId: string; taskId: number };
}

export interface EpisodeSettings extends ShimSettings {
  now: number;
  functions: KnownFunctions;
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
  continueAsNew?: { input: string | null; carryOver: HistoryEvent[] };
  /** The instance reached a final state (or continued as new): its pending timers can go. */
  ended: boolean;
  warnings: Warning[];
}

export function beginEpisode(
  record: InstanceRecord,
  inbound: HistoryEvent[],
  settings: EpisodeSettings,
): Episode {
  const first = inbound.filter(
    (e) => e.EventType === EventType.ExecutionStarted || e.EventType === EventType.ExecutionResumed,
  );
  const rest = inbound.filter((e) => !first.includes(e));
  return {
    record,
    settings,
    newEvents: [historyEvent(EventType.OrchestratorStarted, settings.now), ...first, ...rest],
    produced: [],
    outgoing: [],
    children: [],
    ended: false,
    warnings: [],
  };
}

/** Applies the orchestrator's answer as the extension's replay decides it (see shim-replay.ts). */
export function applyResponse(
  episode: Episode,
  response: OrchestratorResponse,
  past: readonly HistoryEvent[],
): void {
  const { record, settings } = episode;
  record.customStatus = response.customStatus === undefined ? null : JSON.stringify(response.customStatus);
  const decision = replayEpisode({
    name: record.name,
    instanceId: record.id,
    executionId: record.executionId,
    ...(record.parent ? { parentInstanceId: record.parent.instanceId } : {}),
    history: past.length === 0 ? episode.newEvents : [...past, ...episode.newEvents],
    response,
    functions: settings.functions,
    settings,
  });
  episode.warnings.push(...decision.warnings);
  const completion = decision.completion;
  const overLimit = limitProblem(record, decision.scheduled, completion);
  if (overLimit) {
    // Nothing of this episode reaches DTS: the instance fails, as an oversized action does there.
    fail(episode, overLimit, {
      ...failureDetails('InvalidOperationException', overLimit),
      IsNonRetriable: true,
    });
    return;
  }
  for (const action of decision.scheduled) schedule(episode, action);
  if (!completion) return;
  switch (completion.status) {
    case 'Completed': {
      episode.produced.push(
        historyEvent(EventType.ExecutionCompleted, settings.now, {
          OrchestrationStatus: 'Completed',
          Result: completion.output,
        }),
      );
      record.status = 'Completed';
      record.output = completion.output;
      episode.ended = true;
      notifyParent(episode, EventType.SubOrchestrationInstanceCompleted, {
        Result: completion.output ?? 'null',
      });
      return;
    }
    case 'ContinuedAsNew':
      // ContinueAsNewEvent is DurableTask.Core's ExecutionCompletedEvent of a continued execution.
      episode.produced.push(
        historyEvent(EventType.ContinueAsNew, settings.now, {
          OrchestrationStatus: 'ContinuedAsNew',
          Result: completion.input,
        }),
      );
      episode.continueAsNew = { input: completion.input, carryOver: completion.carryOver };
      episode.ended = true;
      return;
    case 'Failed': {
      const details = completion.nonDeterminism
        ? failureDetails('NonDeterministicOrchestrationException', completion.message)
        : toFailureDetails(response.failureDetails, completion);
      fail(episode, completion.message, details);
      return;
    }
  }
}

/** The first payload or instance id of this episode that DTS would refuse (limits.ts). */
function limitProblem(
  record: InstanceRecord,
  scheduled: readonly DtfxAction[],
  completion: Completion | undefined,
): string | undefined {
  const checks: Array<string | undefined> = [
    payloadProblem(`The custom status of orchestration '${record.name}'`, record.customStatus),
  ];
  for (const a of scheduled) {
    if (a.type === 'scheduleTask')
      checks.push(payloadProblem(`The input of activity '${a.name}' (task #${a.id})`, a.invocationInput));
    else if (a.type === 'createSubOrchestration') {
      checks.push(instanceIdProblem(a.instanceId));
      checks.push(payloadProblem(`The input of sub-orchestration '${a.name}' (task #${a.id})`, a.input));
    } else if (a.type === 'sendEvent')
      checks.push(payloadProblem(`The entity operation sent to '${a.instanceId}' (task #${a.id})`, a.input));
  }
  if (completion?.status === 'Completed')
    checks.push(payloadProblem(`The output of orchestration '${record.name}'`, completion.output));
  if (completion?.status === 'ContinuedAsNew')
    checks.push(
      payloadProblem(`The continue-as-new input of orchestration '${record.name}'`, completion.input),
    );
  return checks.find((c) => c !== undefined);
}

/** The scheduling event of one new task and the message that carries it out. */
function schedule(episode: Episode, action: DtfxAction): void {
  const { record, settings } = episode;
  const now = settings.now;
  switch (action.type) {
    case 'scheduleTask':
      episode.produced.push(
        historyEvent(EventType.TaskScheduled, now, { Name: action.name, Input: action.input }, action.id),
      );
      episode.outgoing.push({
        kind: 'activity',
        target: record.id,
        executionId: record.executionId,
        visibleAt: now,
        taskId: action.id,
        name: action.name,
        input: action.invocationInput,
      });
      return;
    case 'createTimer':
      episode.produced.push(
        historyEvent(EventType.TimerCreated, now, { FireAt: iso(action.fireAt) }, action.id),
      );
      episode.outgoing.push({
        kind: 'orchestration',
        target: record.id,
        executionId: record.executionId,
        visibleAt: action.fireAt,
        event: historyEvent(EventType.TimerFired, action.fireAt, {
          TimerId: action.id,
          FireAt: iso(action.fireAt),
        }),
      });
      return;
    case 'createSubOrchestration':
      episode.produced.push(
        historyEvent(
          EventType.SubOrchestrationInstanceCreated,
          now,
          { Name: action.name, InstanceId: action.instanceId, Input: action.input },
          action.id,
        ),
      );
      episode.children.push({
        instanceId: action.instanceId,
        name: action.name,
        input: action.input,
        parent: { instanceId: record.id, executionId: record.executionId, taskId: action.id },
      });
      return;
    case 'sendEvent': {
      episode.produced.push(
        historyEvent(
          EventType.EventSent,
          now,
          { InstanceId: action.instanceId, Name: action.name, Input: action.input },
          action.id,
        ),
      );
      const request = JSON.parse(action.input) as {
        op?: string;
        signal?: boolean;
        input?: string;
        id: string;
      };
      episode.outgoing.push({
        kind: 'entity',
        target: action.instanceId,
        visibleAt: now,
        op: {
          name: request.op ?? '',
          ...(request.input !== undefined ? { input: request.input } : {}),
          isSignal: request.signal === true,
          id: request.id,
          ...(request.signal ? {} : { parent: record.id, parentExecutionId: record.executionId }),
        },
      });
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
  episode.ended = true;
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
  episode.ended = true;
  const message = `Instance '${record.id}' was terminated${reason ? `: ${reason}` : '.'}`;
  notifyParent(episode, EventType.SubOrchestrationInstanceFailed, {
    Reason: message,
    Details: null,
    FailureDetails: failureDetails('OrchestrationTerminated', message),
  });
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

function toFailureDetails(
  payload: unknown,
  completion: { message: string; errorType: string; stackTrace?: string },
): FailureDetails {
  if (payload && typeof payload === 'object') {
    const p = payload as Partial<FailureDetails>;
    return failureDetails(
      p.ErrorType ?? completion.errorType,
      p.ErrorMessage ?? completion.message,
      p.StackTrace ?? undefined,
    );
  }
  return failureDetails(completion.errorType, completion.message, completion.stackTrace);
}
