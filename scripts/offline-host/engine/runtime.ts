/**
 * The engine's live state and dispatcher: what it holds of the store (records, histories and entity
 * states through state caches; queues and timers whole), message delivery, the pump that starts
 * episodes / entity batches / activities, and idle tracking. Runners (orchestration-runner.ts,
 * work-runner.ts) do the work it dispatches.
 */
import type { Clock, HistoryEvent } from '../types.js';
import type { Store } from '../store/sqlite-store.js';
import type { Outgoing } from './episode.js';
import { EventType } from './events.js';
import type {
  ActivityMessage,
  EntityMessage,
  InstanceRecord,
  Message,
  OrchestrationMessage,
} from './model.js';
import { StateCache } from './state-cache.js';
import { TimerQueue } from './timer-queue.js';

/** Control events act on an instance even while it is suspended. */
export const CONTROL = new Set<number>([
  EventType.ExecutionTerminated,
  EventType.ExecutionSuspended,
  EventType.ExecutionResumed,
]);
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export interface HistoryCache {
  events: HistoryEvent[];
  /** The events as JSON with IsPlayed true, joined: the replayed part of the next request. */
  playedJson: string;
}

/** An entity's state (JSON text, or null) and when its last operation batch committed. */
export interface EntityState {
  state: string | null;
  updatedAt: number;
}

/** Bytes of records, histories and entity states kept in memory with a persistent store. */
export interface MemoryBudget {
  records: number;
  histories: number;
  entities: number;
}

export const DEFAULT_MEMORY_BUDGET: MemoryBudget = {
  records: 32 * 1024 * 1024,
  histories: 64 * 1024 * 1024,
  entities: 32 * 1024 * 1024,
};

const textBytes = (...texts: Array<string | null | undefined>) =>
  texts.reduce((n, t) => n + 2 * (t?.length ?? 0), 0);

export interface Runners {
  episode(instanceId: string): Promise<void>;
  entityBatch(entityId: string): Promise<void>;
  activity(message: ActivityMessage): Promise<void>;
}

export class Runtime {
  store: Store | undefined;
  /** Instance records, histories and entity states: caches over a persistent store (see useStore). */
  records = new StateCache<InstanceRecord>({ weigh: () => 0, budget: Infinity });
  histories = new StateCache<HistoryCache>({ weigh: () => 0, budget: Infinity });
  entities = new StateCache<EntityState>({ weigh: () => 0, budget: Infinity });
  readonly inbox = new Map<string, OrchestrationMessage[]>();
  readonly entityQueues = new Map<string, EntityMessage[]>();
  readonly activityQueue: ActivityMessage[] = [];
  readonly timers = new TimerQueue();
  readonly runningInstances = new Set<string>();
  readonly runningEntities = new Set<string>();
  activitiesRunning = 0;
  nextSeq = 1;
  started = false;
  /** stopping: nothing new is dispatched; stopped: the store is closed. */
  stopping = false;
  stopped = false;
  runners: Runners | undefined;

  /** Ready sets never hold running ids (deliver and the end of each run keep it so). */
  private readonly readyInstances = new Set<string>();
  private readonly readyEntities = new Set<string>();
  private readonly inflight = new Set<Promise<void>>();
  private idleWaiters: Array<() => void> = [];
  private pumpScheduled = false;
  private realTimer: NodeJS.Timeout | undefined;
  private realTimerAt: number | undefined;
  private failure: unknown;
  /** Warning codes already logged per running instance (each pattern is named once per instance). */
  private readonly warned = new Map<string, Set<string>>();

  constructor(
    readonly clock: Clock,
    readonly activityLimit: number,
    readonly log: (line: string) => void,
  ) {}

  /** A host-log warning about a pattern that goes wrong on the real host too; once per instance and code. */
  warn(instanceId: string, code: string, message: string): void {
    const seen = this.warned.get(instanceId) ?? new Set<string>();
    if (seen.has(code)) return;
    seen.add(code);
    this.warned.set(instanceId, seen);
    this.log(`[host] WARNING ${message}`);
  }

  forgetWarnings(instanceId: string): void {
    this.warned.delete(instanceId);
  }

  /**
   * Sets the store. A persistent one backs the caches: they read back what they dropped, so memory stays
   * within the budget whatever the store holds. The in-memory store leaves the caches unbounded.
   */
  useStore(store: Store, budget: MemoryBudget = DEFAULT_MEMORY_BUDGET): void {
    this.store = store;
    const persistent = store.persistent;
    this.records = new StateCache<InstanceRecord>({
      weigh: (r) => 256 + textBytes(r.input, r.output, r.customStatus),
      budget: budget.records,
      ...(persistent
        ? {
            load: (id: string) => {
              const text = store.getInstance(id);
              return text === undefined ? undefined : (JSON.parse(text) as InstanceRecord);
            },
          }
        : {}),
    });
    this.histories = new StateCache<HistoryCache>({
      // The parsed events take about as much again as their JSON.
      weigh: (h) => 2 * textBytes(h.playedJson),
      budget: budget.histories,
      ...(persistent
        ? {
            load: (id: string) => {
              const played = store.getHistory(id);
              if (played === undefined) return undefined;
              return { events: JSON.parse(`[${played}]`) as HistoryEvent[], playedJson: played };
            },
          }
        : {}),
    });
    this.entities = new StateCache<EntityState>({
      weigh: (e) => 64 + textBytes(e.state),
      budget: budget.entities,
      ...(persistent
        ? {
            load: (id: string) => {
              const row = store.getEntity(id);
              return row ? { state: row.state, updatedAt: row.updatedAt ?? 0 } : undefined;
            },
          }
        : {}),
    });
  }

  db(): Store {
    if (!this.store || this.stopped)
      throw new Error('The engine is not running: call start() first (and not after stop()).');
    return this.store;
  }

  // ── messages ──────────────────────────────────────────────────────────────────────────────

  /** Inside a unit: gives the message its sequence number and stores it. Deliver it after the unit. */
  persistMessage(m: Outgoing): Message {
    const msg = { ...m, seq: this.nextSeq++ } as Message;
    this.db().putMessage({
      seq: msg.seq,
      kind: msg.kind,
      target: msg.target,
      visibleAt: msg.visibleAt,
      body: JSON.stringify(msg),
    });
    return msg;
  }

  /** Puts a committed message where the dispatcher finds it. */
  deliver(msg: Message): void {
    if (msg.kind === 'activity') {
      this.activityQueue.push(msg);
    } else if (msg.kind === 'entity') {
      const queue = this.entityQueues.get(msg.target) ?? [];
      queue.push(msg);
      this.entityQueues.set(msg.target, queue);
      if (!this.runningEntities.has(msg.target)) this.readyEntities.add(msg.target);
    } else if (msg.visibleAt > this.clock.now()) {
      this.timers.push(msg);
      this.armRealTimer();
    } else {
      const box = this.inbox.get(msg.target) ?? [];
      box.push(msg);
      this.inbox.set(msg.target, box);
      // A running instance is re-checked when its episode ends.
      if (!this.runningInstances.has(msg.target) && this.isProcessable(msg.target))
        this.readyInstances.add(msg.target);
    }
    this.pump();
  }

  isProcessable(id: string): boolean {
    const box = this.inbox.get(id);
    if (!box || box.length === 0) return false;
    if (this.records.get(id)?.status !== 'Suspended') return true;
    return box.some((m) => CONTROL.has(m.event.EventType));
  }

  takeMessages(id: string, filter: (m: OrchestrationMessage) => boolean): OrchestrationMessage[] {
    const box = this.inbox.get(id) ?? [];
    const taken = box.filter(filter);
    const kept = box.filter((m) => !filter(m));
    if (kept.length > 0) this.inbox.set(id, kept);
    else this.inbox.delete(id);
    return taken;
  }

  /** Returns messages taken from the inbox but not consumed (they stay in the store as they were). */
  putBack(messages: readonly OrchestrationMessage[]): void {
    for (const m of [...messages].reverse()) {
      const box = this.inbox.get(m.target) ?? [];
      box.unshift(m);
      this.inbox.set(m.target, box);
    }
  }

  dropMessages(msgs: readonly Message[]): void {
    if (msgs.length === 0) return;
    this.db().transaction(() => msgs.forEach((m) => this.db().deleteMessage(m.seq)));
  }

  historyOf(id: string): HistoryCache {
    let cache = this.histories.get(id);
    if (!cache) {
      cache = { events: [], playedJson: '' };
      this.histories.set(id, cache);
    }
    return cache;
  }

  /** Called when an instance's or entity's run ends: picks up what arrived meanwhile. */
  instanceSettled(id: string): void {
    if (this.isProcessable(id)) {
      this.readyInstances.add(id);
      this.pump();
    }
  }

  entitySettled(id: string): void {
    if ((this.entityQueues.get(id)?.length ?? 0) > 0) {
      this.readyEntities.add(id);
      this.pump();
    }
  }

  // ── dispatch ──────────────────────────────────────────────────────────────────────────────

  pump(): void {
    if (this.pumpScheduled || this.stopping || !this.started) return;
    this.pumpScheduled = true;
    setImmediate(() => this.dispatch());
  }

  private dispatch(): void {
    this.pumpScheduled = false;
    const runners = this.runners;
    if (this.stopping || !runners) return;
    for (const id of this.readyInstances) this.track(runners.episode(id));
    this.readyInstances.clear();
    for (const id of this.readyEntities) this.track(runners.entityBatch(id));
    this.readyEntities.clear();
    while (this.activitiesRunning < this.activityLimit && this.activityQueue.length > 0) {
      this.track(runners.activity(this.activityQueue.shift() as ActivityMessage));
    }
    this.settleIdle();
  }

  private track(work: Promise<void>): void {
    const p = work.catch((err: unknown) => {
      // A store or invariant failure: surfaced by idle() instead of hanging.
      this.failure ??= err;
      this.log(
        `offline-host engine error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      );
    });
    this.inflight.add(p);
    void p.finally(() => {
      this.inflight.delete(p);
      this.settleIdle();
    });
  }

  private hasRunnableWork(): boolean {
    return (
      this.pumpScheduled ||
      this.inflight.size > 0 ||
      this.activityQueue.length > 0 ||
      this.readyInstances.size > 0 ||
      this.readyEntities.size > 0
    );
  }

  private settleIdle(): void {
    if (this.hasRunnableWork() && !this.stopping) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    waiters.forEach((resolve) => resolve());
  }

  async idle(): Promise<void> {
    if (!this.started || this.stopping) return;
    await new Promise<void>((resolve) => {
      this.idleWaiters.push(resolve);
      this.settleIdle();
    });
    if (this.failure) {
      const err = this.failure;
      this.failure = undefined;
      throw err;
    }
  }

  /**
   * Stops dispatching and waits for running work, which still commits. Work still running after
   * `timeoutMs` is abandoned: its messages stay stored and run again on the next start.
   */
  async drain(timeoutMs: number): Promise<void> {
    this.stopping = true;
    if (this.realTimer) clearTimeout(this.realTimer);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>(
      (resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)),
    );
    while (this.inflight.size > 0) {
      const settled = await Promise.race([Promise.allSettled([...this.inflight]), timeout]);
      if (settled === 'timeout') {
        this.log(
          `offline-host: stopped with ${this.inflight.size} unit(s) of work still running; they run again on the next start.`,
        );
        break;
      }
    }
    clearTimeout(timer);
    this.settleIdle();
  }

  // ── timers ────────────────────────────────────────────────────────────────────────────────

  fireDueTimers(): void {
    for (const msg of this.timers.takeDue(this.clock.now())) this.deliver(msg);
  }

  /** Real clock only: one setTimeout for the earliest pending timer. */
  armRealTimer(): void {
    if (this.clock.kind !== 'real' || this.stopping || !this.started) return;
    const due = this.timers.nextDueAt();
    if (due === undefined || (this.realTimerAt !== undefined && this.realTimerAt <= due)) return;
    if (this.realTimer) clearTimeout(this.realTimer);
    this.realTimerAt = due;
    this.realTimer = setTimeout(
      () => {
        this.realTimer = undefined;
        this.realTimerAt = undefined;
        this.fireDueTimers();
        this.armRealTimer();
      },
      Math.min(Math.max(0, due - this.clock.now()), MAX_TIMEOUT_MS),
    );
  }
}
