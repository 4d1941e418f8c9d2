/**
 * Runs orchestration episodes: takes an instance's pending messages, handles terminate / suspend /
 * resume, invokes the orchestrator with the history, and commits the outcome as one store unit.
 */
import { randomUUID } from 'node:crypto';
import type { AppInvoker, HistoryEvent, OrchestratorRequest, OrchestratorResponse } from '../types.js';
import {
  applyResponse,
  beginEpisode,
  terminate,
  type ChildStart,
  type Episode,
  type EpisodeSettings,
  type Outgoing,
} from './episode.js';
import { EventType, failureDetails, historyEvent } from './events.js';
import { EXECUTION_REWOUND, rewindHistory } from './rewind.js';
import { orchestratorRequestJson } from '../library-adapter.js';
import { RECORD_VERSION, TERMINAL, type InstanceRecord, type Message } from './model.js';
import { CONTROL, type Runtime } from './runtime.js';
import { parseJson } from './status.js';

export interface OrchestrationSettings {
  invoker: AppInvoker;
  maximumShortTimer: string;
  longRunningTimerInterval: string;
  maximumShortTimerMs: number;
  longRunningTimerIntervalMs: number;
  /** The extension's HttpSettings.DefaultAsyncRequestSleepTimeMilliseconds (30 s). */
  httpAsyncSleepMs: number;
  crashAt?: (point: string, detail: string) => void;
}

/** A loaded app may take the request pre-serialized (the engine caches history JSON). */
type JsonInvoker = (name: string, json: string) => Promise<OrchestratorResponse>;

export function createOrchestrationRunner(rt: Runtime, config: OrchestrationSettings) {
  const { invoker } = config;
  const functionsOf = (trigger: string) =>
    invoker.functions.filter((f) => f.trigger === trigger).map((f) => f.name);
  const functions = {
    activities: functionsOf('activityTrigger'),
    orchestrators: functionsOf('orchestrationTrigger'),
    entities: functionsOf('entityTrigger'),
  };
  const invokeJson = (invoker as { invokeOrchestratorJson?: JsonInvoker }).invokeOrchestratorJson?.bind(
    invoker,
  );

  const runEpisode = async (id: string): Promise<void> => {
    rt.runningInstances.add(id);
    try {
      await episodeFor(id);
    } finally {
      rt.runningInstances.delete(id);
      rt.instanceSettled(id);
    }
  };

  const episodeFor = async (id: string): Promise<void> => {
    const current = rt.records.get(id);
    if (current?.status === 'Failed') {
      const rewinds = rt.takeMessages(id, (m) => m.event.EventType === EXECUTION_REWOUND);
      const last = rewinds[rewinds.length - 1];
      if (last) {
        rewindInstance(current, last, [...rewinds, ...rt.takeMessages(id, () => true)]);
        return;
      }
    }
    if (!current || TERMINAL.has(current.status)) {
      rt.dropMessages(rt.takeMessages(id, () => true));
      return;
    }
    // A copy: an episode that never commits leaves the live record untouched.
    const record = structuredClone(current);
    const control = rt.takeMessages(id, (m) => CONTROL.has(m.event.EventType));
    const consumed: Message[] = [...control];
    const settings: EpisodeSettings = {
      now: rt.clock.now(),
      maximumShortTimerMs: config.maximumShortTimerMs,
      longRunningTimerIntervalMs: config.longRunningTimerIntervalMs,
      httpAsyncSleepMs: config.httpAsyncSleepMs,
      functions,
    };

    const terminateMsg = control.find((m) => m.event.EventType === EventType.ExecutionTerminated);
    if (terminateMsg) {
      consumed.push(...rt.takeMessages(id, () => true));
      const episode = beginEpisode(record, [], settings);
      terminate(episode, (parseJson(terminateMsg.event.Input as string | null) as string | null) ?? null);
      commitEpisode(episode, consumed);
      return;
    }

    const lifecycle: HistoryEvent[] = [];
    for (const m of control) {
      const suspend = m.event.EventType === EventType.ExecutionSuspended;
      if (suspend && record.status !== 'Suspended') {
        record.status = 'Suspended';
        lifecycle.push(m.event);
      } else if (!suspend && record.status === 'Suspended') {
        record.status = 'Running';
        lifecycle.push(m.event);
      }
    }
    // While suspended, everything but control messages waits in the inbox.
    const data = record.status === 'Suspended' ? [] : rt.takeMessages(id, () => true);
    consumed.push(...data);
    // A rewound instance is told to run again; the trigger itself is not history (TaskOrchestrationDispatcher).
    const rerun = data.some((m) => m.event.EventType === EXECUTION_REWOUND);
    const events = data
      .filter((m) => !m.executionId || m.executionId === record.executionId)
      .map((m) => m.event)
      .filter((e) => e.EventType !== EXECUTION_REWOUND);
    const episode = beginEpisode(record, [...lifecycle, ...events], settings);
    const starts = episode.newEvents.some((e) => e.EventType === EventType.ExecutionStarted);
    const notStarted = record.status === 'Pending' || record.status === 'ContinuedAsNew';
    const lifecycleOnly = episode.newEvents.length === 1 + lifecycle.length;
    if (record.status === 'Suspended' || (lifecycle.length > 0 && lifecycleOnly)) {
      // Suspend/resume with nothing else to replay: recorded; the orchestrator is not run.
      commitEpisode(episode, consumed);
      return;
    }
    if (notStarted && !starts) {
      // Events raised before the start stay queued for the first episode; anything else is stale.
      const early = data.filter((m) => !m.executionId);
      rt.putBack(early);
      rt.dropMessages(consumed.filter((m) => !early.includes(m as (typeof early)[number])));
      return;
    }
    if (lifecycleOnly && !rerun) {
      // Only stale completions arrived: nothing for the orchestrator.
      rt.dropMessages(consumed);
      return;
    }
    if (starts) record.status = 'Running';

    applyResponse(episode, await invokeEpisode(record, episode), rt.historyOf(record.id).events);
    config.crashAt?.('before-episode-commit', record.name);
    commitEpisode(episode, consumed);
  };

  /** rewind.ts: a failed instance's history without its failures, a new execution, then a rerun. */
  const rewindInstance = (
    current: InstanceRecord,
    trigger: Message & { kind: 'orchestration' },
    consumed: Message[],
  ) => {
    const now = rt.clock.now();
    const record = structuredClone(current);
    const reason = (trigger.event.Reason as string | null | undefined) ?? null;
    const { events, children } = rewindHistory(rt.historyOf(record.id).events, reason, now);
    record.executionId = randomUUID();
    record.status = 'Running';
    record.output = null;
    record.updatedAt = now;
    const parentExecutionId = trigger.event.ParentExecutionId as string | undefined;
    if (record.parent && parentExecutionId)
      record.parent = { ...record.parent, executionId: parentExecutionId };
    const eventJson = events.map((e) => JSON.stringify(e));
    const delivered: Message[] = [];
    const signal = (target: string, fields: Record<string, unknown>) =>
      delivered.push(
        rt.persistMessage({
          kind: 'orchestration',
          target,
          visibleAt: now,
          event: historyEvent(EXECUTION_REWOUND, now, { Reason: reason, ...fields }),
        }),
      );
    rt.db().transaction(() => {
      const s = rt.db();
      for (const m of consumed) s.deleteMessage(m.seq);
      s.clearHistory(record.id);
      s.appendHistory(record.id, 0, eventJson);
      s.putInstance(record, JSON.stringify(record));
      for (const child of children)
        signal(child, { ParentExecutionId: record.executionId, InstanceId: child });
      // A leaf runs again at once; a parent waits for its rewound children to complete.
      if (children.length === 0) signal(record.id, {});
    });
    rt.records.set(record.id, record);
    rt.histories.set(record.id, { events, playedJson: eventJson.join(',') });
    rt.log(
      `${record.id}: rewound${children.length ? `, with failed sub-orchestrations ${children.join(', ')}` : ''}`,
    );
    delivered.forEach((m) => rt.deliver(m));
  };

  const invokeEpisode = async (record: InstanceRecord, episode: Episode): Promise<OrchestratorResponse> => {
    // Built as text: the replayed part is cached JSON, so long histories are not re-serialized.
    const past = rt.historyOf(record.id).playedJson;
    const fresh = episode.newEvents.map((e) => JSON.stringify(e)).join(',');
    const json = orchestratorRequestJson({
      historyJson: `${past}${past && fresh ? ',' : ''}${fresh}`,
      inputJson: record.input,
      instanceId: record.id,
      isReplaying: past.length > 0,
      ...(record.parent ? { parentInstanceId: record.parent.instanceId } : {}),
      longRunningTimerInterval: config.longRunningTimerInterval,
      maximumShortTimer: config.maximumShortTimer,
      httpAsyncSleepMs: config.httpAsyncSleepMs,
    });
    try {
      return invokeJson
        ? await invokeJson(record.name, json)
        : await invoker.invokeOrchestrator(record.name, JSON.parse(json) as OrchestratorRequest);
    } catch (err) {
      return { isDone: false, actions: [[]], error: err instanceof Error ? err.message : String(err) };
    }
  };

  const commitEpisode = (episode: Episode, consumed: readonly Message[]): void => {
    const { record, settings } = episode;
    const events = [
      ...episode.newEvents,
      ...episode.produced,
      historyEvent(EventType.OrchestratorCompleted, settings.now),
    ];
    for (const e of events) e.IsPlayed = true;
    const eventJson = events.map((e) => JSON.stringify(e));
    record.updatedAt = settings.now;
    const cache = rt.historyOf(record.id);
    const delivered: Message[] = [];
    const restart = episode.continueAsNew;
    // Raised events the old execution buffered are dropped (preserveUnprocessedEvents is false and
    // JavaScript cannot set it); those processed after ContinueAsNew was called carry over, as
    // DurableTask.Core's BehaviorOnContinueAsNew.Carryover does.
    const carried = restart?.carryOver ?? [];
    if (restart) {
      record.executionId = randomUUID();
      record.status = 'ContinuedAsNew';
      record.input = restart.input;
      record.output = null;
    }
    // A finished instance's pending timers would fire into nothing (DTS drops them): forget them now.
    const droppedTimers = episode.ended ? rt.timers.ofInstance(record.id) : [];
    rt.db().transaction(() => {
      const s = rt.db();
      for (const m of consumed) s.deleteMessage(m.seq);
      if (restart) s.clearHistory(record.id);
      else s.appendHistory(record.id, cache.events.length, eventJson);
      s.putInstance(record, JSON.stringify(record));
      for (const timer of droppedTimers) {
        const msg = rt.timers.cancel(record.id, timer.event.TimerId as number);
        if (msg) s.deleteMessage(msg.seq);
      }
      for (const out of episode.outgoing) delivered.push(rt.persistMessage(out));
      for (const child of episode.children) delivered.push(...startChild(child, settings.now));
      if (restart) {
        delivered.push(rt.persistMessage(startedMessage(record, settings.now)));
        for (const e of carried) {
          const event = { ...e, IsPlayed: false };
          delivered.push(
            rt.persistMessage({ kind: 'orchestration', target: record.id, visibleAt: settings.now, event }),
          );
        }
      }
    });
    rt.records.set(record.id, record);
    if (restart) rt.histories.set(record.id, { events: [], playedJson: '' });
    else if (episode.ended && rt.histories.bounded) {
      // A finished history lives on disk only (status queries with showHistory read it from there).
      rt.histories.delete(record.id);
    } else {
      cache.events.push(...events);
      cache.playedJson += (cache.playedJson && eventJson.length ? ',' : '') + eventJson.join(',');
      rt.histories.set(record.id, cache); // re-weighed
    }
    rt.log(`${record.id}: episode → ${record.status}${restart ? ' (continued as new)' : ''}`);
    for (const w of episode.warnings)
      rt.warn(record.id, w.code, `${record.id} (${record.name}): ${w.message}`);
    if (episode.ended && !restart) rt.forgetWarnings(record.id);
    delivered.forEach((m) => rt.deliver(m));
  };

  const startedMessage = (record: InstanceRecord, now: number): Outgoing => ({
    kind: 'orchestration',
    target: record.id,
    executionId: record.executionId,
    visibleAt: now,
    event: historyEvent(EventType.ExecutionStarted, now, {
      Name: record.name,
      Input: record.input,
      Version: '',
      OrchestrationInstance: { InstanceId: record.id, ExecutionId: record.executionId },
      ...(record.parent
        ? {
            ParentInstance: {
              Name: null,
              OrchestrationInstance: { InstanceId: record.parent.instanceId },
              TaskScheduleId: record.parent.taskId,
            },
          }
        : {}),
    }),
  });

  /** Inside a unit: the new instance record and its ExecutionStarted; returns messages to deliver. */
  const createInstance = (
    id: string,
    name: string,
    input: string | null,
    now: number,
    parent?: InstanceRecord['parent'],
  ): Message[] => {
    const s = rt.db();
    const record: InstanceRecord = {
      v: RECORD_VERSION,
      id,
      name,
      executionId: randomUUID(),
      status: 'Pending',
      input,
      output: null,
      customStatus: null,
      createdAt: now,
      updatedAt: now,
      ...(parent ? { parent } : {}),
    };
    // A restart over a finished instance: its leftovers go (deleteInstance also removes its messages).
    if (rt.records.has(id)) s.deleteInstance(id);
    s.putInstance(record, JSON.stringify(record));
    for (const m of rt.timers.ofInstance(id)) rt.timers.cancel(id, m.event.TimerId as number);
    rt.inbox.delete(id);
    rt.records.set(id, record);
    rt.histories.set(id, { events: [], playedJson: '' });
    return [rt.persistMessage(startedMessage(record, now))];
  };

  const startChild = (child: ChildStart, now: number): Message[] => {
    const existing = rt.records.get(child.instanceId);
    if (!existing || TERMINAL.has(existing.status)) {
      return createInstance(child.instanceId, child.name, child.input, now, child.parent);
    }
    const message = `A sub-orchestration with instance id '${child.instanceId}' is already running.`;
    return [
      rt.persistMessage({
        kind: 'orchestration',
        target: child.parent.instanceId,
        executionId: child.parent.executionId,
        visibleAt: now,
        event: historyEvent(EventType.SubOrchestrationInstanceFailed, now, {
          TaskScheduledId: child.parent.taskId,
          Reason: message,
          Details: null,
          FailureDetails: failureDetails('InvalidOperationException', message),
        }),
      }),
    ];
  };

  return { runEpisode, createInstance };
}
