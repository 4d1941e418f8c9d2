/**
 * The Durable extension, played in one process: instance records and histories in SQLite (mirrored in
 * memory), episodes through durable-functions' own replay engine, activities, entities and timers.
 * Every state change is one store unit applied to memory in the same synchronous block, so a SIGKILL
 * at any await leaves a consistent store that start() resumes from.
 */
import { randomUUID } from 'node:crypto';
import { isVirtualClock } from '../clock.js';
import {
  ConflictError,
  GoneError,
  NotFoundError,
  type AppInvoker,
  type Clock,
  type DurableEngine,
  type EntityStatus,
  type HistoryEvent,
  type InstanceQuery,
  type InstanceStatus,
} from '../types.js';
import { NullStore, SqliteStore, type Store } from '../store/sqlite-store.js';
import { crashPointsFromEnv, type CrashHandler } from './crash.js';
import { entityInstanceId, parseEntityId } from './entity-batch.js';
import { EXECUTION_REWOUND } from './rewind.js';
import { checkPayload, instanceIdProblem, LimitError } from './limits.js';
import { EventType, historyEvent } from './events.js';
import { TERMINAL, type InstanceRecord, type Message } from './model.js';
import { createOrchestrationRunner } from './orchestration-runner.js';
import { Runtime } from './runtime.js';
import { parseJson, toInstanceStatus, traceText } from './status.js';
import { parseTimeSpan } from './timespan.js';
import { createWorkRunner } from './work-runner.js';

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
  /** How long stop() waits for running activities, episodes and entity batches (default 30 s). */
  stopTimeoutMs?: number;
  /** Pause between callHttp polls when a 202 has no Retry-After (the extension's default: 30 s). */
  httpAsyncSleepMs?: number;
}

/** The engine plus what tests and tools need beyond the DurableEngine contract. */
export interface OfflineEngine extends DurableEngine {
  readonly taskHubName: string;
  /** The raw history (extension JSON shape) of the current execution. */
  getHistory(instanceId: string): HistoryEvent[] | undefined;
}

export function createEngine(opts: EngineOptions): OfflineEngine {
  const { invoker, clock } = opts;
  const taskHubName = opts.taskHubName ?? 'OfflineHub';
  const rt = new Runtime(clock, Math.max(1, opts.activityConcurrency ?? 100), opts.log ?? (() => {}));
  const crashHandler = opts.crashAt ?? crashPointsFromEnv();
  // Earlier units are made durable first, so a crash point loses exactly the unit it precedes.
  const crashAt = crashHandler
    ? (point: string, detail: string) => {
        rt.store?.flush();
        crashHandler(point, detail);
      }
    : undefined;
  const maximumShortTimer = opts.maximumShortTimerDuration ?? '6.00:00:00';
  const longRunningTimerInterval = opts.longRunningTimerIntervalDuration ?? '3.00:00:00';
  const orchestrations = createOrchestrationRunner(rt, {
    invoker,
    maximumShortTimer,
    longRunningTimerInterval,
    maximumShortTimerMs: parseTimeSpan(maximumShortTimer),
    longRunningTimerIntervalMs: parseTimeSpan(longRunningTimerInterval),
    httpAsyncSleepMs: opts.httpAsyncSleepMs ?? 30_000,
    crashAt,
  });
  const work = createWorkRunner(rt, invoker, crashAt);
  rt.runners = {
    episode: orchestrations.runEpisode,
    entityBatch: work.runEntityBatch,
    activity: work.runActivity,
  };
  let detachClock: (() => void) | undefined;
  const db = () => rt.db();

  const recover = (s: Store): void => {
    for (const row of s.loadInstances()) rt.records.set(row.id, JSON.parse(row.record) as InstanceRecord);
    for (const [id, events] of s.loadHistory()) {
      rt.histories.set(id, {
        events: events.map((e) => JSON.parse(e) as HistoryEvent),
        playedJson: events.join(','),
      });
    }
    for (const row of s.loadEntities()) {
      rt.entityStates.set(row.id, row.state);
      rt.entityUpdatedAt.set(row.id, row.updatedAt ?? 0);
    }
    for (const row of s.loadMessages()) {
      rt.nextSeq = Math.max(rt.nextSeq, row.seq + 1);
      rt.deliver(JSON.parse(row.body) as Message);
    }
  };

  const requireInstance = (id: string): InstanceRecord => {
    const record = rt.records.get(id);
    if (!record) throw new NotFoundError(`No orchestration instance with id '${id}'.`);
    return record;
  };

  const requireActive = (id: string, action: string): InstanceRecord => {
    const record = requireInstance(id);
    if (TERMINAL.has(record.status))
      throw new GoneError(`Cannot ${action} instance '${id}': it is ${record.status.toLowerCase()}.`);
    return record;
  };

  /** A client request: durable (flushed) before the call returns. */
  const enqueue = (id: string, event: HistoryEvent): void => {
    let msg: Message | undefined;
    db().transaction(() => {
      msg = rt.persistMessage({ kind: 'orchestration', target: id, visibleAt: clock.now(), event });
    });
    db().flush();
    if (msg) rt.deliver(msg);
  };

  const engine: OfflineEngine = {
    clock,
    taskHubName,
    async start() {
      if (rt.started) return;
      rt.store = opts.store === 'memory' ? new NullStore() : new SqliteStore(opts.store);
      rt.started = true;
      recover(rt.store);
      if (isVirtualClock(clock)) {
        detachClock = clock.attach({
          nextDueAt: () => (rt.stopping ? undefined : rt.timers.nextDueAt()),
          fireDue: async () => {
            rt.fireDueTimers();
            await rt.idle();
          },
        });
      }
      rt.armRealTimer();
      rt.pump();
    },

    async stop() {
      if (rt.stopping) return;
      detachClock?.();
      // Running work still commits (its results are not lost); nothing new starts.
      await rt.drain(opts.stopTimeoutMs ?? 30_000);
      rt.stopped = true;
      rt.store?.close();
    },

    async startNew(orchestrationName, startOpts = {}) {
      const fn = invoker.functions.find(
        (f) => f.trigger === 'orchestrationTrigger' && f.name === orchestrationName,
      );
      if (!fn) throw new NotFoundError(`The app has no orchestration function named '${orchestrationName}'.`);
      const id = startOpts.instanceId ?? randomUUID().replace(/-/g, '');
      const badId = instanceIdProblem(id);
      if (badId) throw new LimitError(badId);
      const existing = rt.records.get(id);
      if (existing && !TERMINAL.has(existing.status)) {
        throw new ConflictError(
          `An orchestration instance with id '${id}' already exists and is ${existing.status.toLowerCase()}.`,
        );
      }
      const input = startOpts.input === undefined ? null : JSON.stringify(startOpts.input);
      checkPayload(`The input of orchestration '${fn.name}'`, input);
      let delivered: Message[] = [];
      db().transaction(() => {
        delivered = orchestrations.createInstance(id, fn.name, input, clock.now());
      });
      db().flush();
      delivered.forEach((m) => rt.deliver(m));
      return id;
    },

    async getStatus(instanceId, statusOpts) {
      // Reads see the in-memory state: commit it first, so nothing a client was shown can be lost to a crash.
      db().flush();
      const record = rt.records.get(instanceId);
      if (!record) return undefined;
      return toInstanceStatus(record, rt.histories.get(instanceId)?.events, statusOpts);
    },

    async query(q: InstanceQuery) {
      db().flush();
      const from = q.createdTimeFrom ? Date.parse(q.createdTimeFrom) : -Infinity;
      const to = q.createdTimeTo ? Date.parse(q.createdTimeTo) : Infinity;
      const matches = [...rt.records.values()]
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
      const instances: InstanceStatus[] = page.map((r) =>
        toInstanceStatus(r, undefined, { showInput: q.showInput !== false }),
      );
      return offset + top < matches.length
        ? { instances, continuationToken: String(offset + top) }
        : { instances };
    },

    async raiseEvent(instanceId, eventName, data) {
      requireActive(instanceId, 'raise an event to');
      const input = data === undefined ? null : JSON.stringify(data);
      checkPayload(`The payload of event '${eventName}'`, input);
      // Not tied to an execution (no executionId): a raised event survives continue-as-new.
      enqueue(
        instanceId,
        historyEvent(EventType.EventRaised, clock.now(), { Name: eventName, Input: input }),
      );
    },

    async terminate(instanceId, reason) {
      requireActive(instanceId, 'terminate');
      enqueue(
        instanceId,
        historyEvent(EventType.ExecutionTerminated, clock.now(), {
          Input: reason === undefined ? null : JSON.stringify(reason),
        }),
      );
    },

    async suspend(instanceId, reason) {
      requireActive(instanceId, 'suspend');
      enqueue(
        instanceId,
        historyEvent(EventType.ExecutionSuspended, clock.now(), { Reason: reason ?? null }),
      );
    },

    async resume(instanceId, reason) {
      requireActive(instanceId, 'resume');
      enqueue(instanceId, historyEvent(EventType.ExecutionResumed, clock.now(), { Reason: reason ?? null }));
    },

    async purge(instanceId) {
      const record = rt.records.get(instanceId);
      if (!record) return { instancesDeleted: 0 };
      if (!TERMINAL.has(record.status)) {
        throw new ConflictError(
          `Instance '${instanceId}' is ${record.status.toLowerCase()}; only completed, failed or terminated instances can be purged.`,
        );
      }
      db().transaction(() => db().deleteInstance(instanceId));
      db().flush();
      rt.records.delete(instanceId);
      rt.histories.delete(instanceId);
      rt.inbox.delete(instanceId);
      for (const m of rt.timers.ofInstance(instanceId))
        rt.timers.cancel(instanceId, m.event.TimerId as number);
      return { instancesDeleted: 1 };
    },

    async rewind(instanceId, reason) {
      requireInstance(instanceId);
      enqueue(instanceId, historyEvent(EXECUTION_REWOUND, clock.now(), { Reason: reason ?? null }));
    },

    async listEntities(q) {
      db().flush();
      const prefix = q.entityName === undefined ? '@' : `@${q.entityName.toLowerCase()}@`;
      const from = q.lastOperationFrom ?? -Infinity;
      const to = q.lastOperationTo ?? clock.now();
      const matches = [...rt.entityStates.keys()]
        .filter((id) => id.startsWith(prefix))
        .filter((id) => {
          const at = rt.entityUpdatedAt.get(id) ?? 0;
          return at >= from && at <= to;
        })
        .sort();
      const offset = q.continuationToken ? Number(q.continuationToken) || 0 : 0;
      const top = q.top && q.top > 0 ? q.top : 100;
      const entities: EntityStatus[] = matches.slice(offset, offset + top).map((id) => ({
        entityId: parseEntityId(id),
        lastOperationTime: new Date(rt.entityUpdatedAt.get(id) ?? 0).toISOString(),
        state: q.fetchState ? parseJson(rt.entityStates.get(id)) : null,
      }));
      return offset + top < matches.length
        ? { entities, continuationToken: String(offset + top) }
        : { entities };
    },

    async signalEntity(entityName, key, operation, input) {
      if (input !== undefined)
        checkPayload(
          `The input of operation '${operation}' on entity '@${entityName}@${key}'`,
          JSON.stringify(input),
        );
      let msg: Message | undefined;
      db().transaction(() => {
        msg = rt.persistMessage({
          kind: 'entity',
          target: entityInstanceId(entityName, key),
          visibleAt: clock.now(),
          op: {
            name: operation,
            ...(input !== undefined ? { input: JSON.stringify(input) } : {}),
            isSignal: true,
            id: randomUUID(),
          },
        });
      });
      db().flush();
      if (msg) rt.deliver(msg);
    },

    async readEntityState(entityName, key) {
      db().flush();
      const id = entityInstanceId(entityName, key);
      if (!rt.entityStates.has(id)) return { exists: false };
      return { exists: true, state: parseJson(rt.entityStates.get(id)) };
    },

    async idle() {
      await rt.idle();
    },

    async trace(instanceId) {
      const record = requireInstance(instanceId);
      return traceText(record, rt.histories.get(instanceId)?.events ?? []);
    },

    getHistory(instanceId) {
      return rt.histories.get(instanceId)?.events.map((e) => ({ ...e }));
    },
  };

  return engine;
}
