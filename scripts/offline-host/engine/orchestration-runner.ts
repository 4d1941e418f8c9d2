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
  unconsumedEvents,
  type ChildStart,
  type Episode,
  type Outgoing,
} from './episode.js';
import { EventType, failureDetails, historyEvent } from './events.js';
import { RECORD_VERSION, TERMINAL, type InstanceRecord, type Message } from './model.js';
import { CONTROL, type Runtime } from './runtime.js';
import { parseJson } from './status.js';

export interface OrchestrationSettings {
  invoker: AppInvoker;
  maximumShortTimer: string;
  longRunningTimerInterval: string;
  maximumShortTimerMs: number;
  longRunningTimerIntervalMs: number;
  crashAt?: (point: string, detail: string) => void;
}

/** A loaded app may take the request pre-serialized (the engine caches history JSON). */
type JsonInvoker = (name: string, json: string) => Promise<OrchestratorResponse>;

export function createOrchestrationRunner(rt: Runtime, config: OrchestrationSettings) {
  const { invoker } = config;
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
    if (!current || TERMINAL.has(current.status)) {
      rt.dropMessages(rt.takeMessages(id, () => true));
      return;
    }
    // A copy: an episode that never commits leaves the live record untouched.
    const record = structuredClone(current);
    const control = rt.takeMessages(id, (m) => CONTROL.has(m.event.EventType));
    const consumed: Message[] = [...control];
    const settings = {
      now: rt.clock.now(),
      maximumShortTimerMs: config.maximumShortTimerMs,
      longRunningTimerIntervalMs: config.longRunningTimerIntervalMs,
      newGuid: randomUUID,
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
    const events = data
      .filter((m) => !m.executionId || m.executionId === record.executionId)
      .map((m) => m.event);
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
    if (lifecycleOnly) {
      // Only stale or cancelled completions arrived: nothing for the orchestrator.
      rt.dropMessages(consumed);
      return;
    }
    if (starts) record.status = 'Running';

    applyResponse(episode, await invokeEpisode(record, episode));
    config.crashAt?.('before-episode-commit', record.name);
    commitEpisode(episode, consumed);
  };

  const invokeEpisode = async (record: InstanceRecord, episode: Episode): Promise<OrchestratorResponse> => {
    // Built as text: the replayed part is cached JSON, so long histories are not re-serialized.
    const past = rt.historyOf(record.id).playedJson;
    const fresh = episode.newEvents.map((e) => JSON.stringify(e)).join(',');
    const parent = record.parent ? `,"parentInstanceId":${JSON.stringify(record.parent.instanceId)}` : '';
    const json =
      `{"history":[${past}${past && fresh ? ',' : ''}${fresh}],"input":${record.input ?? 'null'},` +
      `"instanceId":${JSON.stringify(record.id)},"isReplaying":${past.length > 0}${parent},` +
      `"upperSchemaVersion":1,"upperSchemaVersionNew":2,` +
      `"longRunningTimerIntervalDuration":${JSON.stringify(config.longRunningTimerInterval)},` +
      `"maximumShortTimerDuration":${JSON.stringify(config.maximumShortTimer)},` +
      `"defaultHttpAsyncRequestSleepTimeMillseconds":30000}`;
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
    // The extension's continue-as-new drops raised events the old execution did not consume
    // (preserveUnprocessedEvents defaults to false and JavaScript cannot set it).
    const carried: ReturnType<typeof unconsumedEvents> = [];
    if (restart) {
      record.executionId = randomUUID();
      record.status = 'ContinuedAsNew';
      record.input = restart.input;
      record.output = null;
      record.shim = { nextId: 0, slots: [], idToSlot: {} };
    }
    rt.db().transaction(() => {
      const s = rt.db();
      for (const m of consumed) s.deleteMessage(m.seq);
      if (restart) s.clearHistory(record.id);
      else s.appendHistory(record.id, cache.events.length, eventJson);
      s.putInstance(record.id, JSON.stringify(record));
      for (const timerId of new Set(episode.cancelledTimers)) {
        const msg = rt.timers.cancel(record.id, timerId);
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
    else {
      cache.events.push(...events);
      cache.playedJson += (cache.playedJson && eventJson.length ? ',' : '') + eventJson.join(',');
    }
    rt.log(`${record.id}: episode → ${record.status}${restart ? ' (continued as new)' : ''}`);
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
      shim: { nextId: 0, slots: [], idToSlot: {} },
    };
    // A restart over a finished instance: its leftovers go (deleteInstance also removes its messages).
    if (rt.records.has(id)) s.deleteInstance(id);
    s.putInstance(id, JSON.stringify(record));
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
