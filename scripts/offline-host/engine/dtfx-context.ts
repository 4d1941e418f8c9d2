/**
 * DurableTask.Core's orchestration context, as the Durable extension drives it during one episode's
 * replay: the id counter, the pending actions map, open tasks, the replay checks against history, and
 * the extension's external-event waiters.
 *
 * Sources (Azure/durabletask @ 5217032, Azure/azure-functions-durable-extension @ a7c6d69):
 * - src/DurableTask.Core/TaskOrchestrationContext.cs — ScheduleTaskInternal, CreateTimer,
 *   CreateSubOrchestrationInstanceCore, SendEvent (each takes `idCounter++`); Handle*Event (the
 *   nondeterminism messages below are its own); a canceled timer is removed from openTasks but its
 *   CreateTimer action stays, so the timer still fires.
 * - src/WebJobs.Extensions.DurableTask/ContextImplementations/DurableOrchestrationContext.cs —
 *   WaitForExternalEvent / RaiseEvent: waiters per name form a stack (the newest waiter gets the next
 *   event), events with no waiter are buffered in a queue.
 */
import { DTask } from './dotnet-task.js';
import type { HistoryEvent } from '../types.js';

export type DtfxAction =
  | {
      type: 'scheduleTask';
      id: number;
      name: string;
      /** TaskScheduled.Input as DTFx writes it: the parameters array, `[<input>]`. */
      input: string;
      /** JSON of the value the activity receives. */
      invocationInput: string | null;
    }
  | { type: 'createTimer'; id: number; fireAt: number }
  | { type: 'createSubOrchestration'; id: number; name: string; instanceId: string; input: string | null }
  | { type: 'sendEvent'; id: number; instanceId: string; name: string; input: string };

/** NonDeterministicOrchestrationException: fails the instance. */
export class NonDeterminismError extends Error {
  override name = 'NonDeterministicOrchestrationException';
  constructor(details: string) {
    super(`Non-Deterministic workflow detected: ${details}`);
  }
}

/** TaskFailedException / SubOrchestrationFailedException as the shim sees them. */
export class DurableTaskFailure extends Error {
  constructor(
    message: string,
    readonly event: HistoryEvent,
  ) {
    super(message);
  }
}

const CHANGED = 'Was a change made to the orchestrator code after this instance had already started running?';

export class DtfxContext {
  now = 0;
  private idCounter = 0;
  /** orchestratorActionsMap: scheduled in this replay and not yet matched by a history event. */
  readonly actions = new Map<number, DtfxAction>();
  readonly openTasks = new Map<number, DTask<HistoryEvent>>();
  /** Every action this replay scheduled, matched or not (to describe open tasks). */
  readonly scheduled = new Map<number, DtfxAction>();
  private readonly waiters = new Map<string, DTask<string | null>[]>();
  private readonly buffered = new Map<string, Array<string | null>>();
  continueAsNew: { input: string | null } | undefined;
  /** Events raised after ContinueAsNew was called in this replay (DTFx BehaviorOnContinueAsNew.Carryover). */
  readonly carryOver: HistoryEvent[] = [];

  constructor(readonly executionId: string) {}

  get hasOpenTasks(): boolean {
    return this.openTasks.size > 0;
  }

  private open(action: DtfxAction): DTask<HistoryEvent> {
    this.actions.set(action.id, action);
    this.scheduled.set(action.id, action);
    const task = new DTask<HistoryEvent>();
    this.openTasks.set(action.id, task);
    return task;
  }

  scheduleTask(name: string, input: string, invocationInput: string | null): DTask<HistoryEvent> {
    return this.open({ type: 'scheduleTask', id: this.idCounter++, name, input, invocationInput });
  }

  /** `cancel` returns true when it removed a still-open timer (CancellationToken.Register → TrySetCanceled). */
  createTimer(fireAt: number): { task: DTask<HistoryEvent>; cancel(): void } {
    const id = this.idCounter++;
    const task = this.open({ type: 'createTimer', id, fireAt });
    return {
      task,
      cancel: () => {
        if (task.trySetCanceled()) this.openTasks.delete(id);
      },
    };
  }

  createSubOrchestration(
    name: string,
    instanceId: string | undefined,
    input: string | null,
  ): DTask<HistoryEvent> {
    const id = this.idCounter++;
    // DurableTask.Core's default child id: the parent's execution id and the task id.
    const child = instanceId && instanceId.trim() !== '' ? instanceId : `${this.executionId}:${id}`;
    return this.open({ type: 'createSubOrchestration', id, name, instanceId: child, input });
  }

  sendEvent(instanceId: string, name: string, input: string): void {
    const id = this.idCounter++;
    const action: DtfxAction = { type: 'sendEvent', id, instanceId, name, input };
    this.actions.set(id, action);
    this.scheduled.set(id, action);
  }

  waitForExternalEvent(name: string): DTask<string | null> {
    const tcs = new DTask<string | null>();
    const stack = this.waiters.get(name) ?? [];
    stack.push(tcs);
    this.waiters.set(name, stack);
    const queue = this.buffered.get(name);
    if (queue && queue.length > 0) {
      const input = queue.shift() as string | null;
      if (queue.length === 0) this.buffered.delete(name);
      this.raiseEvent(name, input);
    }
    return tcs;
  }

  raiseEvent(name: string, input: string | null): void {
    const stack = this.waiters.get(name);
    const tcs = stack?.pop();
    if (stack && stack.length === 0) this.waiters.delete(name);
    if (tcs) {
      tcs.trySetResult(input);
      return;
    }
    const queue = this.buffered.get(name) ?? [];
    queue.push(input);
    this.buffered.set(name, queue);
  }

  /** Events buffered with no waiter when the episode ends (what continue-as-new leaves behind). */
  bufferedEventNames(): string[] {
    return [...this.buffered.keys()];
  }

  // ── history, in order (TaskOrchestrationExecutor.ProcessEvent) ─────────────────────────────

  processEvent(e: HistoryEvent): void {
    switch (e.EventType) {
      case 4: // TaskScheduled
        return this.checkScheduled(e, 'scheduleTask', 'an activity task', String(e.Name));
      case 10: // TimerCreated
        return this.checkScheduled(e, 'createTimer', 'a timer task', undefined);
      case 7: // SubOrchestrationInstanceCreated
        return this.checkScheduled(e, 'createSubOrchestration', 'a sub-orchestration task', String(e.Name));
      case 14: // EventSent
        return this.checkScheduled(e, 'sendEvent', 'a send event task', String(e.Name));
      case 5: // TaskCompleted
      case 8: // SubOrchestrationInstanceCompleted
        return this.complete(e, e.TaskScheduledId as number, false);
      case 11: // TimerFired
        return this.complete(e, e.TimerId as number, false);
      case 6: // TaskFailed
      case 9: // SubOrchestrationInstanceFailed
        return this.complete(e, e.TaskScheduledId as number, true);
      case 15: // EventRaised
        if (this.continueAsNew) this.carryOver.push(e);
        else this.raiseEvent(String(e.Name), (e.Input as string | null | undefined) ?? null);
        return;
      default:
        return;
    }
  }

  private complete(e: HistoryEvent, id: number, failed: boolean): void {
    const task = this.openTasks.get(id);
    // A completion nobody waits for (a canceled timer, a duplicate) is ignored, as LogDuplicateEvent does.
    if (!task) return;
    this.openTasks.delete(id);
    if (failed) task.trySetException(new DurableTaskFailure(String(e.Reason ?? ''), e));
    else task.trySetResult(e);
  }

  private checkScheduled(
    e: HistoryEvent,
    type: DtfxAction['type'],
    what: string,
    name: string | undefined,
  ): void {
    const id = e.EventId;
    const action = this.actions.get(id);
    const label = name === undefined ? '' : ` named '${name}'`;
    if (!action) {
      throw new NonDeterminismError(
        `A previous execution of this orchestration scheduled ${what} with sequence number ${id}${label}, ` +
          `but the current replay execution hasn't (yet?) scheduled this task. ${CHANGED}`,
      );
    }
    if (action.type !== type) {
      throw new NonDeterminismError(
        `A previous execution of this orchestration scheduled ${what} with sequence number ${id}${label}, ` +
          `but the current orchestration replay instead produced a ${describe(action)} with this sequence number. ${CHANGED}`,
      );
    }
    const replayName = actionName(action);
    if (name !== undefined && replayName !== undefined && replayName.toLowerCase() !== name.toLowerCase()) {
      throw new NonDeterminismError(
        `A previous execution of this orchestration scheduled ${what} with sequence number ${id}${label}, ` +
          `but the current orchestration replay instead scheduled ${what} named '${replayName}' with this sequence number. ${CHANGED}`,
      );
    }
    this.actions.delete(id);
  }
}

function actionName(a: DtfxAction): string | undefined {
  if (a.type === 'scheduleTask' || a.type === 'createSubOrchestration' || a.type === 'sendEvent')
    return a.name;
  return undefined;
}

function describe(a: DtfxAction): string {
  switch (a.type) {
    case 'scheduleTask':
      return `ScheduleTaskOrchestratorAction ('${a.name}')`;
    case 'createTimer':
      return 'CreateTimerOrchestratorAction';
    case 'createSubOrchestration':
      return `CreateSubOrchestrationAction ('${a.name}')`;
    case 'sendEvent':
      return 'SendEventOrchestratorAction';
  }
}
