/**
 * The Durable extension, played in one process: instance records and histories in SQLite (mirrored in
 * memory), episodes through durable-functions' own replay engine, activities, entities and timers.
 * Every state change is one store transaction applied to memory in the same synchronous block, so a
 * SIGKILL at any await leaves a consistent store that start() resumes from.
 */
import { randomUUID } from 'node:crypto';
import { isVirtualClock } from '../clock.js';
import {
  ConflictError,
  FunctionError,
  GoneError,
  NotFoundError,
  type AppInvoker,
  type Clock,
  type DurableEngine,
  type HistoryEvent,
  type InstanceQuery,
  type InstanceStatus,
  type OrchestratorResponse,
} from '../types.js';
import { NullStore, SqliteStore, type Store } from '../store/sqlite-store.js';
import { crashPointsFromEnv, type CrashHandler } from './crash.js';
import { batchOutgoing, batchRequest, entityInstanceId, failedBatch, parseEntityId } from './entity-batch.js';
import { applyResponse, beginEpisode, terminate, unconsumedEvents, type ChildStart, type Episode, type Outgoing } from './episode.js';
import { EventType, failureDetails, historyEvent } from './events.js';
import {
  RECORD_VERSION,
  TERMINAL,
  type ActivityMessage,
  type EntityMessage,
  type InstanceRecord,
  type Message,
  type OrchestrationMessage,
} from './model.js';
import { parseJson, toInstanceStatus, traceText } from './status.js';
import { TimerQueue } from './timer-queue.js';
import { parseTimeSpan } from './timespan.js';

export interface EngineOptions {
  invoker: AppInvoker;
  store: 'memory' | { dataDir: string };
  clock: Clock;
  /** Activities running at once (default 100). */
  activityConcurrency?: number;
  /** TimeSpan text; timers further out are split into sub-timers (default "6.00:00:00"). */
  maximumShortTimerDuration?: string;
  /** TimeSpan text; the length of each sub-timer (default "3.00:00:00"). */
  longRunningTimerIntervalDuration?: string;
  taskHubName?: string;
  log?: (line: string) => void;
  /** Called at crash points (see crash.ts); default: from OFFLINE_HOST_CRASH_AT. */
  crashAt?: CrashHandler;
}

/** The engine plus what tests and tools need beyond the DurableEngine contract. */
export interface OfflineEngine extends DurableEngine {
  readonly taskHubName: string;
  /** The raw history (extension JSON shape) of the current execution. */
  getHistory(instanceId: string): HistoryEvent[] | undefined;
}

/** Control events act on the instance even while it is suspended. */
const CONTROL = new Set<number>([EventType.ExecutionTerminated, EventType.ExecutionSuspended, EventType.ExecutionResumed]);
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

interface HistoryCache {
  events: HistoryEvent[];
  /** The events as JSON with IsPlayed true, joined: the replayed part of the next request. */
  playedJson: string;
}

export function createEngine(opts: EngineOptions): OfflineEngine {
  const { invoker, clock } = opts;
  const log = opts.log ?? (() => {});
  const crashHandler = opts.crashAt ?? crashPointsFromEnv();
  // Earlier units are made durable first, so a crash point loses exactly the unit it precedes.
  const crashAt = crashHandler
    ? (point: string, detail: string) => {
        store?.flush();
        crashHandler(point, detail);
      }
    : undefined;
  const activityLimit = Math.max(1, opts.activityConcurrency ?? 100);
  const maximumShortTimer = opts.maximumShortTimerDuration ?? '6.00:00:00';
  const longRunningTimerInterval = opts.longRunningTimerIntervalDuration ?? '3.00:00:00';
  const maximumShortTimerMs = parseTimeSpan(maximumShortTimer);
  const longRunningTimerIntervalMs = parseTimeSpan(longRunningTimerInterval);
  const taskHubName = opts.taskHubName ?? 'OfflineHub';
  const invokeJson = (invoker as { invokeOrchestratorJson?: (name: string, json: string) => Promise<OrchestratorResponse> })
    .invokeOrchestratorJson;

  let store: Store | undefined;
  const records = new Map<string, InstanceRecord>();
  const histories = new Map<string, HistoryCache>();
  const inbox = new Map<string, OrchestrationMessage[]>();
  const entityQueues = new Map<string, EntityMessage[]>();
  const entityStates = new Map<string, string | null>();
  const activityQueue: ActivityMessage[] = [];
  const timers = new TimerQueue();
  const readyInstances = new Set<string>();
  const readyEntities = new Set<string>();
  const runningInstances = new Set<string>();
  const runningEntities = new Set<string>();
  const inflight = new Set<Promise<void>>();
  let idleWaiters: Array<() => void> = [];
  let activitiesRunning = 0;
  let nextSeq = 1;
  let started = false;
  /** stopping: no new work is dispatched; stopped: the store is closed. */
  let stopping = false;
  let stopped = false;
  let pumpScheduled = false;
  let realTimer: NodeJS.Timeout | undefined;
  let realTimerAt: number | undefined;
  let detachClock: (() => void) | undefined;
  let failure: unknown;

  const db = (): Store => {
    if (!store || stopped) throw new Error('The engine is not running: call start() first (and not after stop()).');
    return store;
  };

  // ── messages ────────────────────────────────────────────────────────────────────────────────

  const persistMessage = (m: Outgoing): Message => {
    const msg = { ...m, seq: nextSeq++ } as Message;
    db().putMessage({ seq: msg.seq, kind: msg.kind, target: msg.target, visibleAt: msg.visibleAt, body: JSON.stringify(msg) });
    return msg;
  };

  /** Puts a committed message where the dispatcher finds it. */
  const deliver = (msg: Message): void => {
    if (msg.kind === 'activity') {
      activityQueue.push(msg);
    } else if (msg.kind === 'entity') {
      const queue = entityQueues.get(msg.target) ?? [];
      queue.push(msg);
      entityQueues.set(msg.target, queue);
      if (!runningEntities.has(msg.target)) readyEntities.add(msg.target);
    } else if (msg.visibleAt > clock.now()) {
      timers.push(msg);
      armRealTimer();
    } else {
      const box = inbox.get(msg.target) ?? [];
      box.push(msg);
      inbox.set(msg.target, box);
      // A running instance is re-checked when its episode ends.
      if (!runningInstances.has(msg.target) && isProcessable(msg.target)) readyInstances.add(msg.target);
    }
    pump();
  };

  const isProcessable = (id: string): boolean => {
    const box = inbox.get(id);
    if (!box || box.length === 0) return false;
    if (records.get(id)?.status !== 'Suspended') return true;
    return box.some((m) => CONTROL.has(m.event.EventType));
  };

  // ── dispatch ────────────────────────────────────────────────────────────────────────────────

  const pump = (): void => {
    if (pumpScheduled || stopping || !started) return;
    pumpScheduled = true;
    setImmediate(dispatch);
  };

  const track = (work: Promise<void>): void => {
    const p = work.catch((err: unknown) => {
      // A store or invariant failure: surface it from idle()/stop() instead of hanging.
      failure ??= err;
      log(`offline-host engine error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    });
    inflight.add(p);
    void p.finally(() => {
      inflight.delete(p);
      settleIdle();
    });
  };

  const dispatch = (): void => {
    pumpScheduled = false;
    if (stopping) return;
    for (const id of readyInstances) track(runEpisode(id));
    readyInstances.clear();
    for (const id of readyEntities) track(runEntityBatch(id));
    readyEntities.clear();
    while (activitiesRunning < activityLimit && activityQueue.length > 0) {
      track(runActivity(activityQueue.shift() as ActivityMessage));
    }
    settleIdle();
  };

  /** Ready sets never hold running ids (deliver and the end of each run keep it so): this stays O(1). */
  const hasRunnableWork = (): boolean =>
    pumpScheduled || inflight.size > 0 || activityQueue.length > 0 || readyInstances.size > 0 || readyEntities.size > 0;

  const settleIdle = (): void => {
    if (hasRunnableWork() && !stopping) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    waiters.forEach((resolve) => resolve());
  };

  // ── timers ──────────────────────────────────────────────────────────────────────────────────

  const fireDueTimers = (): void => {
    for (const msg of timers.takeDue(clock.now())) deliver(msg);
  };

  const armRealTimer = (): void => {
    if (clock.kind !== 'real' || stopping || !started) return;
    const due = timers.nextDueAt();
    if (due === undefined || (realTimerAt !== undefined && realTimerAt <= due)) return;
    if (realTimer) clearTimeout(realTimer);
    realTimerAt = due;
    realTimer = setTimeout(
      () => {
        realTimer = undefined;
        realTimerAt = undefined;
        fireDueTimers();
        armRealTimer();
      },
      Math.min(Math.max(0, due - clock.now()), MAX_TIMEOUT_MS),
    );
  };

  // ── orchestration episodes ──────────────────────────────────────────────────────────────────

  const historyOf = (id: string): HistoryCache => {
    let cache = histories.get(id);
    if (!cache) {
      cache = { events: [], playedJson: '' };
      histories.set(id, cache);
    }
    return cache;
  };

  const takeMessages = (id: string, filter: (m: OrchestrationMessage) => boolean): OrchestrationMessage[] => {
    const box = inbox.get(id) ?? [];
    const taken = box.filter(filter);
    const kept = box.filter((m) => !filter(m));
    if (kept.length > 0) inbox.set(id, kept);
    else inbox.delete(id);
    return taken;
  };

  const runEpisode = async (id: string): Promise<void> => {
    runningInstances.add(id);
    try {
      await episodeFor(id);
    } finally {
      runningInstances.delete(id);
      if (isProcessable(id)) {
        readyInstances.add(id);
        pump();
      }
    }
  };

  const episodeFor = async (id: string): Promise<void> => {
    const current = records.get(id);
    if (!current || TERMINAL.has(current.status)) {
      const dropped = takeMessages(id, () => true);
      db().transaction(() => dropped.forEach((m) => db().deleteMessage(m.seq)));
      return;
    }
    const now = clock.now();
    const record = structuredClone(current);
    const control = takeMessages(id, (m) => CONTROL.has(m.event.EventType));
    const consumed = [...control];
    const settings = { now, maximumShortTimerMs, longRunningTimerIntervalMs, newGuid: randomUUID };

    const terminateMsg = control.find((m) => m.event.EventType === EventType.ExecutionTerminated);
    if (terminateMsg) {
      consumed.push(...takeMessages(id, () => true));
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
    const data = record.status === 'Suspended' ? [] : takeMessages(id, () => true);
    consumed.push(...data);
    const events = data.filter((m) => !m.executionId || m.executionId === record.executionId).map((m) => m.event);
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
      early.reverse().forEach(putBack);
      dropMessages(consumed.filter((m) => !early.includes(m)));
      return;
    }
    if (lifecycleOnly) {
      // Only stale or cancelled completions arrived: nothing for the orchestrator.
      dropMessages(consumed);
      return;
    }
    if (starts) record.status = 'Running';

    const response = await invokeEpisode(record, episode);
    applyResponse(episode, response);
    crashAt?.('before-episode-commit', record.name);
    commitEpisode(episode, consumed);
  };

  /** Returns a message taken from the inbox but not consumed (it stays in the store as it was). */
  const putBack = (m: OrchestrationMessage): void => {
    const box = inbox.get(m.target) ?? [];
    box.unshift(m);
    inbox.set(m.target, box);
  };

  const dropMessages = (msgs: readonly Message[]): void => {
    if (msgs.length === 0) return;
    db().transaction(() => msgs.forEach((m) => db().deleteMessage(m.seq)));
  };

  const invokeEpisode = async (record: InstanceRecord, episode: Episode): Promise<OrchestratorResponse> => {
    const past = historyOf(record.id).playedJson;
    const fresh = episode.newEvents.map((e) => JSON.stringify(e)).join(',');
    const parent = record.parent ? `,"parentInstanceId":${JSON.stringify(record.parent.instanceId)}` : '';
    const json =
      `{"history":[${past}${past && fresh ? ',' : ''}${fresh}],"input":${record.input ?? 'null'},` +
      `"instanceId":${JSON.stringify(record.id)},"isReplaying":${past.length > 0}${parent},` +
      `"upperSchemaVersion":1,"upperSchemaVersionNew":2,` +
      `"longRunningTimerIntervalDuration":${JSON.stringify(longRunningTimerInterval)},` +
      `"maximumShortTimerDuration":${JSON.stringify(maximumShortTimer)},` +
      `"defaultHttpAsyncRequestSleepTimeMillseconds":30000}`;
    try {
      return invokeJson
        ? await invokeJson.call(invoker, record.name, json)
        : await invoker.invokeOrchestrator(record.name, JSON.parse(json) as Parameters<AppInvoker['invokeOrchestrator']>[1]);
    } catch (err) {
      return { isDone: false, actions: [[]], error: err instanceof Error ? err.message : String(err) };
    }
  };

  const commitEpisode = (episode: Episode, consumed: readonly Message[]): void => {
    const { record, settings } = episode;
    const events = [...episode.newEvents, ...episode.produced, historyEvent(EventType.OrchestratorCompleted, settings.now)];
    for (const e of events) e.IsPlayed = true;
    const eventJson = events.map((e) => JSON.stringify(e));
    record.updatedAt = settings.now;
    const cache = historyOf(record.id);
    const delivered: Message[] = [];
    const cancelled: OrchestrationMessage[] = [];
    const restart = episode.continueAsNew;
    const carried = restart ? unconsumedEvents([...cache.events, ...events], restart.waits) : [];
    if (restart) {
      record.executionId = randomUUID();
      record.status = 'ContinuedAsNew';
      record.input = restart.input;
      record.output = null;
      record.shim = { nextId: 0, slots: [], idToSlot: {} };
    }
    db().transaction(() => {
      const s = db();
      for (const m of consumed) s.deleteMessage(m.seq);
      if (restart) s.clearHistory(record.id);
      else s.appendHistory(record.id, cache.events.length, eventJson);
      s.putInstance(record.id, JSON.stringify(record));
      for (const timerId of new Set(episode.cancelledTimers)) {
        const msg = timers.cancel(record.id, timerId);
        if (msg) {
          s.deleteMessage(msg.seq);
          cancelled.push(msg);
        }
      }
      for (const out of episode.outgoing) delivered.push(persistMessage(out));
      for (const child of episode.children) delivered.push(...startChild(child, settings.now));
      if (restart) {
        delivered.push(persistMessage(startedMessage(record, settings.now)));
        for (const e of carried) {
          const event = { ...e, IsPlayed: false };
          delivered.push(persistMessage({ kind: 'orchestration', target: record.id, visibleAt: settings.now, event }));
        }
      }
    });
    records.set(record.id, record);
    if (restart) histories.set(record.id, { events: [], playedJson: '' });
    else {
      cache.events.push(...events);
      cache.playedJson += (cache.playedJson && eventJson.length ? ',' : '') + eventJson.join(',');
    }
    log(`${record.id}: episode → ${record.status}${restart ? ' (continued as new)' : ''}`);
    delivered.forEach(deliver);
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
        ? { ParentInstance: { Name: null, OrchestrationInstance: { InstanceId: record.parent.instanceId }, TaskScheduleId: record.parent.taskId } }
        : {}),
    }),
  });

  /** Inside a transaction: the new instance record and its ExecutionStarted; returns messages to deliver. */
  const createInstance = (
    id: string,
    name: string,
    input: string | null,
    now: number,
    parent?: InstanceRecord['parent'],
  ): Message[] => {
    const s = db();
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
    if (records.has(id)) s.deleteInstance(id);
    s.putInstance(id, JSON.stringify(record));
    for (const m of timers.ofInstance(id)) timers.cancel(id, m.event.TimerId as number);
    inbox.delete(id);
    records.set(id, record);
    histories.set(id, { events: [], playedJson: '' });
    return [persistMessage(startedMessage(record, now))];
  };

  const startChild = (child: ChildStart, now: number): Message[] => {
    const existing = records.get(child.instanceId);
    if (existing && !TERMINAL.has(existing.status)) {
      const message = `A sub-orchestration with instance id '${child.instanceId}' is already running.`;
      return [
        persistMessage({
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
    }
    return createInstance(child.instanceId, child.name, child.input, now, child.parent);
  };

  // ── activities ──────────────────────────────────────────────────────────────────────────────

  const runActivity = async (m: ActivityMessage): Promise<void> => {
    activitiesRunning++;
    try {
      let event: HistoryEvent;
      try {
        const input = m.input === null ? undefined : JSON.parse(m.input);
        const result = await invoker.invokeActivity(m.name, input, m.target);
        event = historyEvent(EventType.TaskCompleted, clock.now(), {
          TaskScheduledId: m.taskId,
          Result: result === undefined ? 'null' : JSON.stringify(result),
        });
      } catch (err) {
        const e = err instanceof FunctionError ? err : new FunctionError(err instanceof Error ? err.message : String(err), 'Error');
        event = historyEvent(EventType.TaskFailed, clock.now(), {
          TaskScheduledId: m.taskId,
          Reason: e.message,
          Details: e.stackTrace ?? null,
          FailureDetails: failureDetails(e.errorType, e.message, e.stackTrace),
        });
      }
      // A crash here loses the result: the activity message is still stored and runs again (at-least-once).
      crashAt?.('after-activity', m.name);
      let delivered: Message | undefined;
      db().transaction(() => {
        db().deleteMessage(m.seq);
        delivered = persistMessage({ kind: 'orchestration', target: m.target, executionId: m.executionId, visibleAt: clock.now(), event });
      });
      if (delivered) deliver(delivered);
    } finally {
      activitiesRunning--;
      pump();
    }
  };

  // ── entities ────────────────────────────────────────────────────────────────────────────────

  const entityFunction = (name: string): string | undefined =>
    invoker.functions.find((f) => f.trigger === 'entityTrigger' && f.name.toLowerCase() === name)?.name;

  const runEntityBatch = async (id: string): Promise<void> => {
    runningEntities.add(id);
    const ops = entityQueues.get(id) ?? [];
    entityQueues.delete(id);
    try {
      const { name } = parseEntityId(id);
      const fn = entityFunction(name);
      const state = entityStates.has(id) ? entityStates.get(id) : undefined;
      let result;
      let keepState = false;
      if (!fn) {
        result = failedBatch(ops, `The app has no entity function named '${name}'.`);
        keepState = true;
      } else {
        try {
          result = await invoker.invokeEntity(fn, batchRequest(id, state, ops));
        } catch (err) {
          result = failedBatch(ops, err instanceof Error ? err.message : String(err));
          keepState = true;
        }
      }
      crashAt?.('mid-entity-batch', name);
      const outgoing = batchOutgoing(ops, result, clock.now(), randomUUID);
      const delivered: Message[] = [];
      const exists = keepState ? state !== undefined : result.entityExists;
      const newState = keepState ? (state ?? null) : (result.entityState ?? null);
      db().transaction(() => {
        for (const m of ops) db().deleteMessage(m.seq);
        if (exists) db().putEntity(id, newState);
        else db().deleteEntity(id);
        for (const out of outgoing) delivered.push(persistMessage(out));
      });
      if (exists) entityStates.set(id, newState);
      else entityStates.delete(id);
      delivered.forEach(deliver);
    } finally {
      runningEntities.delete(id);
      if ((entityQueues.get(id)?.length ?? 0) > 0) {
        readyEntities.add(id);
        pump();
      }
    }
  };

  // ── recovery ────────────────────────────────────────────────────────────────────────────────

  const recover = (s: Store): void => {
    for (const row of s.loadInstances()) records.set(row.id, JSON.parse(row.record) as InstanceRecord);
    for (const [id, events] of s.loadHistory()) {
      histories.set(id, { events: events.map((e) => JSON.parse(e) as HistoryEvent), playedJson: events.join(',') });
    }
    for (const row of s.loadEntities()) entityStates.set(row.id, row.state);
    for (const row of s.loadMessages()) {
      nextSeq = Math.max(nextSeq, row.seq + 1);
      deliver(JSON.parse(row.body) as Message);
    }
  };

  // ── the DurableEngine API ───────────────────────────────────────────────────────────────────

  const requireInstance = (id: string): InstanceRecord => {
    const record = records.get(id);
    if (!record) throw new NotFoundError(`No orchestration instance with id '${id}'.`);
    return record;
  };

  const requireActive = (id: string, action: string): InstanceRecord => {
    const record = requireInstance(id);
    if (TERMINAL.has(record.status)) throw new GoneError(`Cannot ${action} instance '${id}': it is ${record.status.toLowerCase()}.`);
    return record;
  };

  const enqueue = (id: string, event: HistoryEvent): void => {
    let msg: Message | undefined;
    db().transaction(() => {
      msg = persistMessage({ kind: 'orchestration', target: id, visibleAt: clock.now(), event });
    });
    db().flush();
    if (msg) deliver(msg);
  };

  const engine: OfflineEngine = {
    clock,
    taskHubName,
    async start() {
      if (started) return;
      store = opts.store === 'memory' ? new NullStore() : new SqliteStore(opts.store);
      started = true;
      recover(store);
      if (isVirtualClock(clock)) {
        detachClock = clock.attach({
          nextDueAt: () => (stopping ? undefined : timers.nextDueAt()),
          fireDue: async () => {
            fireDueTimers();
            await engine.idle();
          },
        });
      }
      armRealTimer();
      pump();
    },

    async stop() {
      if (stopping) return;
      stopping = true;
      detachClock?.();
      if (realTimer) clearTimeout(realTimer);
      // Running work still commits (its results are not lost); nothing new starts.
      while (inflight.size > 0) await Promise.allSettled([...inflight]);
      stopped = true;
      settleIdle();
      store?.close();
    },

    async startNew(orchestrationName, startOpts = {}) {
      const fn = invoker.functions.find((f) => f.trigger === 'orchestrationTrigger' && f.name === orchestrationName);
      if (!fn) throw new NotFoundError(`The app has no orchestration function named '${orchestrationName}'.`);
      const id = startOpts.instanceId ?? randomUUID().replace(/-/g, '');
      const existing = records.get(id);
      if (existing && !TERMINAL.has(existing.status)) {
        throw new ConflictError(`An orchestration instance with id '${id}' already exists and is ${existing.status.toLowerCase()}.`);
      }
      const input = startOpts.input === undefined ? null : JSON.stringify(startOpts.input);
      let delivered: Message[] = [];
      db().transaction(() => {
        delivered = createInstance(id, fn.name, input, clock.now());
      });
      db().flush();
      delivered.forEach(deliver);
      return id;
    },

    async getStatus(instanceId, statusOpts) {
      const record = records.get(instanceId);
      if (!record) return undefined;
      return toInstanceStatus(record, histories.get(instanceId)?.events, statusOpts);
    },

    async query(q: InstanceQuery) {
      const from = q.createdTimeFrom ? Date.parse(q.createdTimeFrom) : -Infinity;
      const to = q.createdTimeTo ? Date.parse(q.createdTimeTo) : Infinity;
      const matches = [...records.values()]
        .filter(
          (r) =>
            (!q.runtimeStatus?.length || q.runtimeStatus.includes(r.status)) &&
            r.createdAt >= from &&
            r.createdAt <= to &&
            (!q.instanceIdPrefix || r.id.startsWith(q.instanceIdPrefix)),
        )
        .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
      const offset = q.continuationToken ? Number(q.continuationToken) || 0 : 0;
      const top = q.top && q.top > 0 ? q.top : matches.length;
      const page = matches.slice(offset, offset + top);
      const instances: InstanceStatus[] = page.map((r) => toInstanceStatus(r, undefined, { showInput: q.showInput !== false }));
      return offset + top < matches.length ? { instances, continuationToken: String(offset + top) } : { instances };
    },

    async raiseEvent(instanceId, eventName, data) {
      requireActive(instanceId, 'raise an event to');
      // Not tied to an execution (no executionId): a raised event survives continue-as-new.
      enqueue(instanceId, historyEvent(EventType.EventRaised, clock.now(), { Name: eventName, Input: data === undefined ? null : JSON.stringify(data) }));
    },

    async terminate(instanceId, reason) {
      requireActive(instanceId, 'terminate');
      enqueue(instanceId, historyEvent(EventType.ExecutionTerminated, clock.now(), { Input: reason === undefined ? null : JSON.stringify(reason) }));
    },

    async suspend(instanceId, reason) {
      requireActive(instanceId, 'suspend');
      enqueue(instanceId, historyEvent(EventType.ExecutionSuspended, clock.now(), { Reason: reason ?? null }));
    },

    async resume(instanceId, reason) {
      requireActive(instanceId, 'resume');
      enqueue(instanceId, historyEvent(EventType.ExecutionResumed, clock.now(), { Reason: reason ?? null }));
    },

    async purge(instanceId) {
      const record = records.get(instanceId);
      if (!record) return { instancesDeleted: 0 };
      if (!TERMINAL.has(record.status)) {
        throw new ConflictError(`Instance '${instanceId}' is ${record.status.toLowerCase()}; only completed, failed or terminated instances can be purged.`);
      }
      db().transaction(() => db().deleteInstance(instanceId));
      db().flush();
      records.delete(instanceId);
      histories.delete(instanceId);
      inbox.delete(instanceId);
      for (const m of timers.ofInstance(instanceId)) timers.cancel(instanceId, m.event.TimerId as number);
      return { instancesDeleted: 1 };
    },

    async signalEntity(entityName, key, operation, input) {
      let msg: Message | undefined;
      db().transaction(() => {
        msg = persistMessage({
          kind: 'entity',
          target: entityInstanceId(entityName, key),
          visibleAt: clock.now(),
          op: { name: operation, ...(input !== undefined ? { input: JSON.stringify(input) } : {}), isSignal: true, id: randomUUID() },
        });
      });
      db().flush();
      if (msg) deliver(msg);
    },

    async readEntityState(entityName, key) {
      const id = entityInstanceId(entityName, key);
      if (!entityStates.has(id)) return { exists: false };
      return { exists: true, state: parseJson(entityStates.get(id)) };
    },

    async idle() {
      if (!started || stopping) return;
      await new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        settleIdle();
      });
      if (failure) {
        const err = failure;
        failure = undefined;
        throw err;
      }
    },

    async trace(instanceId) {
      const record = requireInstance(instanceId);
      return traceText(record, histories.get(instanceId)?.events ?? []);
    },

    getHistory(instanceId) {
      return histories.get(instanceId)?.events.map((e) => ({ ...e }));
    },
  };

  return engine;
}
