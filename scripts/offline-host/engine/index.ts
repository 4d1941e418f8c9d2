/**
 * The Durable extension, played in one process: instance records and histories in SQLite (what running
 * work needs cached in memory, the rest read back on demand), episodes through durable-functions' own
 * replay engine, activities, entities and timers, and the scheduler's retention (retention.ts).
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
import { retentionFromSettings, TERMINAL_STATUSES, type RetentionPolicy } from './retention.js';
import { Runtime, type MemoryBudget } from './runtime.js';
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
  /** How long finished instances are kept (default: the scheduler's 30 days for every terminal status). */
  retention?: RetentionPolicy;
  /** How often expired instances are purged (default 60 s; with the virtual clock: when time moves). */
  retentionSweepMs?: number;
  /** Bytes of records, histories and entity states kept in memory with a persistent store. */
  memoryBudget?: MemoryBudget;
}

/** The engine plus what tests and tools need beyond the DurableEngine contract. */
export interface OfflineEngine extends DurableEngine {
  readonly taskHubName: string;
  /** The raw history (extension JSON shape) of the current execution. */
  getHistory(instanceId: string): HistoryEvent[] | undefined;
  /** Purges every finished instance past its retention now; returns how many went. */
  purgeExpired(): Promise<number>;
  /** What the engine holds in memory (entries and estimated bytes; timers: heap entries), for soak figures and tests. */
  memory(): Record<'records' | 'histories' | 'entities', { entries: number; bytes: number }> & {
    timers: number;
  };
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
  let sweepTimer: NodeJS.Timeout | undefined;
  const db = () => rt.db();
  const retention = opts.retention ?? retentionFromSettings({});
  const sweepEveryMs = opts.retentionSweepMs ?? 60_000;
  let nextSweepAt = clock.now() + sweepEveryMs;

  /**
   * Only pending work is loaded: messages (queued work, timers, buffered events). Records, histories and
   * entity states load when work touches them, so a restart does not slow down as the store grows.
   */
  const recover = (s: Store): void => {
    for (const row of s.loadMessages()) {
      rt.nextSeq = Math.max(rt.nextSeq, row.seq + 1);
      rt.deliver(JSON.parse(row.body) as Message);
    }
  };

  /** A history to show, read from the store without caching it when the instance is not in memory. */
  const historyEvents = (id: string): HistoryEvent[] => {
    const cached = rt.histories.peek(id);
    if (cached) return cached.events;
    const played = rt.store?.persistent ? db().getHistory(id) : undefined;
    return played ? (JSON.parse(`[${played}]`) as HistoryEvent[]) : [];
  };

  /** Removes a finished instance: record, history, pending messages, timers. */
  const purgeInstance = (id: string): void => {
    db().transaction(() => db().deleteInstance(id));
    rt.records.delete(id);
    rt.histories.delete(id);
    rt.inbox.delete(id);
    for (const m of rt.timers.ofInstance(id)) rt.timers.cancel(id, m.event.TimerId as number);
  };

  /** Finished instances past their retention, oldest first (a bounded batch per status). */
  const expired = (now: number, limit: number): string[] => {
    const ids: string[] = [];
    for (const status of TERMINAL_STATUSES) {
      const before = now - retention[status];
      if (rt.store?.persistent) ids.push(...db().expiredInstances(status, before, limit));
      else
        for (const r of rt.records.values())
          if (r.status === status && r.updatedAt < before && ids.length < limit) ids.push(r.id);
    }
    return ids;
  };

  const sweep = (): number => {
    if (!rt.started || rt.stopping || rt.stopped) return 0;
    let purged = 0;
    for (;;) {
      const batch = expired(clock.now(), 1000).filter((id) => !rt.runningInstances.has(id));
      if (batch.length === 0) break;
      db().transaction(() => batch.forEach(purgeInstance));
      purged += batch.length;
      if (batch.length < 1000) break;
    }
    if (purged > 0) {
      db().flush();
      rt.log(`[host] retention: purged ${purged} finished instance(s)`);
    }
    return purged;
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
      rt.useStore(opts.store === 'memory' ? new NullStore() : new SqliteStore(opts.store), opts.memoryBudget);
      rt.started = true;
      recover(rt.db());
      if (isVirtualClock(clock)) {
        detachClock = clock.attach({
          nextDueAt: () => (rt.stopping ? undefined : rt.timers.nextDueAt()),
          fireDue: async () => {
            rt.fireDueTimers();
            await rt.idle();
            if (clock.now() >= nextSweepAt) {
              nextSweepAt = clock.now() + sweepEveryMs;
              sweep();
            }
          },
        });
      } else {
        sweepTimer = setInterval(() => {
          try {
            sweep();
          } catch (err) {
            rt.log(`[host] retention sweep failed: ${err instanceof Error ? err.message : String(err)}`);
          }
        }, sweepEveryMs);
        sweepTimer.unref();
      }
      rt.armRealTimer();
      rt.pump();
    },

    async stop() {
      if (rt.stopping) return;
      detachClock?.();
      if (sweepTimer) clearInterval(sweepTimer);
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
      return toInstanceStatus(
        record,
        statusOpts?.showHistory ? historyEvents(instanceId) : undefined,
        statusOpts,
      );
    },

    async query(q: InstanceQuery) {
      db().flush();
      const from = q.createdTimeFrom ? Date.parse(q.createdTimeFrom) : -Infinity;
      const to = q.createdTimeTo ? Date.parse(q.createdTimeTo) : Infinity;
      const offset = q.continuationToken ? Number(q.continuationToken) || 0 : 0;
      const showInput = { showInput: q.showInput !== false };
      if (rt.store?.persistent) {
        // The store holds every instance; one page more than asked tells whether there is a next page.
        const limit = q.top && q.top > 0 ? q.top : -1;
        const rows = db().queryInstances({
          statuses: q.runtimeStatus,
          createdFrom: from,
          createdTo: to,
          idPrefix: q.instanceIdPrefix,
          offset,
          limit: limit > 0 ? limit + 1 : -1,
        });
        const more = limit > 0 && rows.length > limit;
        const instances = (more ? rows.slice(0, limit) : rows).map((text) =>
          toInstanceStatus(JSON.parse(text) as InstanceRecord, undefined, showInput),
        );
        return more ? { instances, continuationToken: String(offset + limit) } : { instances };
      }
      const matches = [...rt.records.values()]
        .filter(
          (r) =>
            (!q.runtimeStatus?.length || q.runtimeStatus.includes(r.status)) &&
            r.createdAt >= from &&
            r.createdAt <= to &&
            (!q.instanceIdPrefix || r.id.startsWith(q.instanceIdPrefix)),
        )
        .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
      const top = q.top && q.top > 0 ? q.top : matches.length;
      const page = matches.slice(offset, offset + top);
      const instances: InstanceStatus[] = page.map((r) => toInstanceStatus(r, undefined, showInput));
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
      purgeInstance(instanceId);
      db().flush();
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
      const offset = q.continuationToken ? Number(q.continuationToken) || 0 : 0;
      const top = q.top && q.top > 0 ? q.top : 100;
      const rows = rt.store?.persistent
        ? db().queryEntities({ idPrefix: prefix, updatedFrom: from, updatedTo: to, offset, limit: top + 1 })
        : [...rt.entities.keys()]
            .filter((id) => id.startsWith(prefix))
            .map((id) => ({ id, ...(rt.entities.get(id) as { state: string | null; updatedAt: number }) }))
            .filter((e) => e.updatedAt >= from && e.updatedAt <= to)
            .sort((a, b) => (a.id < b.id ? -1 : 1))
            .slice(offset, offset + top + 1);
      const entities: EntityStatus[] = rows.slice(0, top).map((row) => ({
        entityId: parseEntityId(row.id),
        lastOperationTime: new Date(row.updatedAt ?? 0).toISOString(),
        state: q.fetchState ? parseJson(row.state) : null,
      }));
      return rows.length > top ? { entities, continuationToken: String(offset + top) } : { entities };
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
      const entity = rt.entities.get(entityInstanceId(entityName, key));
      if (!entity) return { exists: false };
      return { exists: true, state: parseJson(entity.state) };
    },

    async idle() {
      await rt.idle();
    },

    async trace(instanceId) {
      const record = requireInstance(instanceId);
      return traceText(record, historyEvents(instanceId));
    },

    getHistory(instanceId) {
      if (!rt.records.get(instanceId)) return undefined;
      return historyEvents(instanceId).map((e) => ({ ...e }));
    },

    async purgeExpired() {
      return sweep();
    },

    memory() {
      const of = (c: { size: number; weight: number }) => ({ entries: c.size, bytes: c.weight });
      return {
        records: of(rt.records),
        histories: of(rt.histories),
        entities: of(rt.entities),
        timers: rt.timers.held,
      };
    },
  };

  return engine;
}
