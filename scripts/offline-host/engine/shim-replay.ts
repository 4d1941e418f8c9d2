/**
 * One episode as the Durable extension decides it: the orchestrator's cumulative action tree is
 * replayed against the history the way the extension's out-of-process shim does it, on DurableTask.Core's
 * context, and whatever that replay schedules, completes or rejects is what the host does. The
 * JavaScript library is never second-guessed: where the two disagree (a task raced twice, a retry that
 * stops without a timer, a 202 without Location…) the history the library replays is the one the real
 * host would write, so the same thing goes wrong offline, and a warning names it.
 *
 * Sources (read, not copied):
 * - azure-functions-durable-extension @ a7c6d69:
 *   src/WebJobs.Extensions.DurableTask/Listener/OutOfProcOrchestrationShim.cs — ProcessAsyncActionsV2
 *   schedules the top-level actions one after another, awaiting each (errors swallowed);
 *   InvokeAPIFromAction rebuilds every action from JSON, so an action that appears twice is scheduled
 *   twice; Listener/TaskOrchestrationShim.cs — failure messages;
 *   ContextImplementations/DurableOrchestrationContext.cs — CallDurableTaskFunctionAsync (an async
 *   method: a missing function faults the task instead of throwing), CreateTimer (long-timer loop),
 *   CallHttpAsync (202 + Location polling), NewGuid; DurableTaskExtension.ThrowIfFunctionDoesNotExist;
 *   RetryOptions.cs (MaxRetryInterval defaults to 6 days), RetryOptionsConverter.cs.
 * - durabletask @ 5217032: src/DurableTask.Core/TaskOrchestrationExecutor.cs — an orchestration
 *   completes only when its code has returned AND no task is open; RetryInterceptor.cs — a dummy timer
 *   at "now" after the last failed attempt, no timer at all when the next delay computes to zero.
 */
import type { HistoryEvent, OrchestratorResponse } from '../types.js';
import type { RawAction } from './actions.js';
import { ActionType, encodedInputJson, rawInputJson } from './actions.js';
import { deterministicGuid, dotnetRoundTrip } from './deterministic-guid.js';
import { completedTask, DTask, never, runAsync, whenAll, whenAny } from './dotnet-task.js';
import { DtfxContext, DurableTaskFailure, NonDeterminismError, type DtfxAction } from './dtfx-context.js';
import type { RetryPolicy } from './model.js';
import { HTTP_ACTIVITY, parseHttpResult, pollRequest, toExtensionRequest } from './durable-http.js';

export interface KnownFunctions {
  activities: readonly string[];
  orchestrators: readonly string[];
  entities: readonly string[];
}

export interface ShimSettings {
  maximumShortTimerMs: number;
  longRunningTimerIntervalMs: number;
  httpAsyncSleepMs: number;
}

export interface ShimReplayInput {
  name: string;
  instanceId: string;
  executionId: string;
  parentInstanceId?: string;
  /** The whole history of this execution, this episode's new events included. */
  history: readonly HistoryEvent[];
  response: OrchestratorResponse;
  functions: KnownFunctions;
  settings: ShimSettings;
}

export type Completion =
  | { status: 'Completed'; output: string | null }
  | { status: 'ContinuedAsNew'; input: string | null; carryOver: HistoryEvent[] }
  | { status: 'Failed'; message: string; errorType: string; stackTrace?: string; nonDeterminism?: boolean };

export interface Warning {
  /** Stable key: one warning per instance and code. */
  code: string;
  message: string;
}

export interface ShimDecision {
  /** Actions scheduled in this episode, in id order. */
  scheduled: DtfxAction[];
  completion?: Completion;
  warnings: Warning[];
}

/** OrchestrationFailureException: the orchestrator function failed (its message is the instance's). */
class OrchestrationFailure extends Error {
  constructor(
    message: string,
    readonly errorType: string,
    readonly stackTrace?: string,
  ) {
    super(message);
  }
}

const SIX_DAYS_MS = 6 * 24 * 3600 * 1000;

export function replayEpisode(input: ShimReplayInput): ShimDecision {
  const { response, settings } = input;
  const ctx = new DtfxContext(input.executionId);
  const warnings: Warning[] = [];
  const warn = (code: string, message: string) => {
    if (!warnings.some((w) => w.code === code)) warnings.push({ code, message });
  };
  let newGuidCounter = 0;
  const newGuid = () =>
    deterministicGuid(`${input.instanceId}_${dotnetRoundTrip(ctx.now)}_${newGuidCounter++}`);

  // ── DurableOrchestrationContext ─────────────────────────────────────────────────────────────

  const requireFunction = (kind: keyof KnownFunctions, name: string): void => {
    const known = input.functions[kind];
    if (known.some((n) => n.toLowerCase() === name.toLowerCase())) return;
    const label = { activities: 'activity', orchestrators: 'orchestrator', entities: 'entity' }[kind];
    throw new ArgumentError(
      `The function '${name}' doesn't exist, is disabled, or is not an ${label} function. Additional info: ` +
        (known.length > 0
          ? `The following are the known ${label} functions: '${known.join("', '")}'.`
          : `No ${label} functions are currently registered!`),
    );
  };

  /** RetryInterceptor.Invoke around `call`, with the extension's RetryOptions defaults. */
  const withRetry = (policy: RetryPolicy, call: () => DTask<HistoryEvent>): DTask<HistoryEvent> =>
    runAsync(function* () {
      const firstAttempt = ctx.now;
      let last: unknown;
      for (let attempt = 0; attempt < policy.maxNumberOfAttempts; attempt++) {
        try {
          return (yield call()) as HistoryEvent;
        } catch (err) {
          const details = err instanceof DurableTaskFailure ? err.event.FailureDetails : undefined;
          if ((details as { IsNonRetriable?: boolean } | undefined)?.IsNonRetriable) {
            warn(
              'nonretriable-retry',
              'A task called with a retry policy failed with a non-retriable failure: DurableTask.Core stops retrying at ' +
                'once, without a retry timer, but durable-functions still waits for one, so this orchestration waits forever.',
            );
            throw err;
          }
          last = err;
        }
        if (attempt + 1 === policy.maxNumberOfAttempts) {
          // "Dummy timer for back-compat": fires at once; durable-functions waits for it too.
          yield ctx.createTimer(ctx.now).task;
          break;
        }
        const delay = nextRetryDelay(policy, attempt, firstAttempt, ctx.now);
        if (delay === 0) {
          warn(
            'retry-without-timer',
            `A retry policy gave up without a retry timer (retryTimeoutInMilliseconds has passed, or maxRetryIntervalInMilliseconds is 0). ` +
              'DurableTask.Core then fails the task without scheduling a timer, but durable-functions waits for that timer: ' +
              'on the real host this orchestration waits forever. Give retryTimeoutInMilliseconds room for every attempt and a maxRetryIntervalInMilliseconds > 0.',
          );
          break;
        }
        yield ctx.createTimer(ctx.now + delay).task;
      }
      throw last;
    });

  const callActivity = (name: string, actionInput: unknown, retry?: RetryPolicy): DTask =>
    runAsync(function* () {
      try {
        requireFunction('activities', name);
      } catch (err) {
        warn(
          `missing-activity:${name}`,
          `${(err as Error).message} The extension's shim swallows this error and never schedules the call, so ` +
            'durable-functions waits for it forever: the instance stays Running with nothing to do. Fix the activity name.',
        );
        throw err;
      }
      const schedule = () =>
        ctx.scheduleTask(name, JSON.stringify([actionInput ?? null]), encodedInputJson(actionInput));
      return (yield retry ? withRetry(retry, schedule) : schedule()) as HistoryEvent;
    });

  const callSubOrchestrator = (a: RawAction, retry?: RetryPolicy): DTask =>
    runAsync(function* () {
      const name = a.functionName ?? '';
      try {
        requireFunction('orchestrators', name);
      } catch (err) {
        warn(
          `missing-orchestrator:${name}`,
          `${(err as Error).message} The extension's shim swallows this error and never starts the sub-orchestration, ` +
            'so durable-functions waits for it forever. Fix the orchestrator name.',
        );
        throw err;
      }
      const id = a.instanceId;
      if (
        id &&
        (id.toLowerCase() === input.instanceId.toLowerCase() ||
          id.toLowerCase() === input.parentInstanceId?.toLowerCase())
      ) {
        throw new ArgumentError(
          'The instance ID of a sub-orchestration must be different than the instance ID of a parent orchestration.',
        );
      }
      // The extension passes its arguments the wrong way round: this is the exception's real message.
      if (id?.startsWith('@'))
        throw new ArgumentError("instanceId (Parameter 'Orchestration instance ids must not start with @')");
      const create = () => ctx.createSubOrchestration(name, id, rawInputJson(a.input));
      return (yield retry ? withRetry(retry, create) : create()) as HistoryEvent;
    });

  const createTimer = (fireAt: number, canceled: boolean): DTask => {
    const inner: Array<() => void> = [];
    const cancelAll = () => inner.splice(0).forEach((cancel) => cancel());
    const timer = (at: number) => {
      const t = ctx.createTimer(at);
      inner.push(t.cancel);
      return t.task;
    };
    const task = runAsync(function* () {
      if (fireAt - ctx.now <= settings.maximumShortTimerMs) {
        yield timer(fireAt);
        return;
      }
      let intervalFireAt = ctx.now + settings.longRunningTimerIntervalMs;
      while (ctx.now < fireAt && !canceled) {
        yield timer(intervalFireAt);
        const remaining = fireAt - ctx.now;
        if (remaining <= 0) break;
        intervalFireAt =
          ctx.now +
          (remaining < settings.longRunningTimerIntervalMs ? remaining : settings.longRunningTimerIntervalMs);
      }
    });
    // The shim cancels its CancellationTokenSource right after CreateTimer returns when isCanceled.
    if (canceled) cancelAll();
    return task;
  };

  const entityName = (schedulerId: string | undefined): string => {
    const id = schedulerId ?? '';
    const at = id.indexOf('@', 1);
    return id.startsWith('@') && at > 0 ? id.slice(1, at) : id;
  };

  const entityRequest = (a: RawAction, signal: boolean, id: string): string =>
    JSON.stringify({
      op: a.operation,
      signal,
      input: rawInputJson(a.input) ?? undefined,
      id,
      parent: signal ? undefined : input.instanceId,
    });

  const callEntity = (a: RawAction): DTask =>
    runAsync(function* () {
      requireFunction('entities', entityName(a.instanceId));
      const guid = newGuid();
      ctx.sendEvent(a.instanceId ?? '', 'op', entityRequest(a, false, guid));
      return yield ctx.waitForExternalEvent(guid);
    });

  const signalEntity = (a: RawAction): DTask => {
    // Signals complete synchronously in the extension, so a missing entity throws here, failing the instance.
    requireFunction('entities', entityName(a.instanceId));
    ctx.sendEvent(a.instanceId ?? '', 'op', entityRequest(a, true, newGuid()));
    return completedTask(undefined);
  };

  const callHttp = (a: RawAction): DTask =>
    runAsync(function* () {
      const request = toExtensionRequest(a.httpRequest);
      const send = (req: typeof request) =>
        ctx.scheduleTask(HTTP_ACTIVITY, JSON.stringify([req]), JSON.stringify(req));
      let result = parseHttpResult((yield send(request)) as HistoryEvent);
      while (result.statusCode === 202 && request.asynchronousPatternEnabled) {
        const retryAfter = result.header('Retry-After');
        let fireAt = ctx.now + settings.httpAsyncSleepMs;
        if (retryAfter !== undefined) {
          if (!/^[+-]?\d+$/.test(retryAfter.trim()))
            throw new Error(`The input string '${retryAfter}' was not in a correct format.`);
          fireAt = ctx.now + Number(retryAfter) * 1000;
        }
        yield ctx.createTimer(fireAt).task;
        const location = result.header('Location');
        if (location === undefined) {
          warn(
            'http-202-without-location',
            'callHttp got 202 Accepted without a Location header. The extension still waits one polling interval on a ' +
              'durable timer and then fails the call (KeyNotFoundException), while durable-functions returned the 202 ' +
              'at once: the timer takes a task id durable-functions does not know, so every later result reaches the ' +
              'wrong task. Send Location with 202, or call with enablePolling: false.',
          );
          throw new Error("The given key 'Location' was not present in the dictionary.");
        }
        result = parseHttpResult((yield send(pollRequest(request, location))) as HistoryEvent);
      }
      return result;
    });

  // ── OutOfProcOrchestrationShim.InvokeAPIFromAction ──────────────────────────────────────────

  let lastRepeated: RawAction | undefined;
  const invoke = (a: RawAction): DTask => {
    if (a.$repeated && TAKES_ID.has(a.actionType)) lastRepeated = a;
    else if (lastRepeated && TAKES_ID.has(a.actionType)) warnDrift(a);
    switch (a.actionType) {
      case ActionType.CallActivity:
        return callActivity(a.functionName ?? '', a.input);
      case ActionType.CallActivityWithRetry:
        return callActivity(a.functionName ?? '', a.input, a.retryOptions);
      case ActionType.CallSubOrchestrator:
        return callSubOrchestrator(a);
      case ActionType.CallSubOrchestratorWithRetry:
        return callSubOrchestrator(a, a.retryOptions);
      case ActionType.CreateTimer:
        if (a.$repeated) warnRerace(a);
        return createTimer(Date.parse(a.fireAt ?? ''), a.isCanceled === true);
      case ActionType.WaitForExternalEvent:
        return ctx.waitForExternalEvent(a.externalEventName ?? '');
      case ActionType.CallEntity:
        return callEntity(a);
      case ActionType.SignalEntity:
        return signalEntity(a);
      case ActionType.ContinueAsNew:
        ctx.continueAsNew = { input: encodedInputJson(a.input) };
        return completedTask(undefined);
      case ActionType.CallHttp:
        return callHttp(a);
      case ActionType.WhenAll:
        return whenAll((a.compoundActions ?? []).map(invoke));
      case ActionType.WhenAny:
        return whenAny((a.compoundActions ?? []).map(invoke));
      default:
        // The C# interpolation keeps a stray '$' in this message.
        throw new Error(
          `Received an unexpected action type from the out-of-proc function: '$${a.actionType}'.`,
        );
    }
  };

  const warnRerace = (a: RawAction) =>
    warn(
      'rerace',
      `A ${a.actionType === ActionType.CreateTimer ? `timer (fireAt ${a.fireAt})` : 'task'} was passed to a second ` +
        'Task.any/Task.all. The Durable extension schedules it again under a new task id (a second TimerCreated with the ' +
        'same fireAt) while durable-functions keeps the first id: every task scheduled after it gets a different id on ' +
        'each side, so results reach the wrong tasks. It is harmless only when nothing is scheduled after the race ' +
        '(the phone-verification shape). Create a new task for each race (a new timer with the same fireAt, cancelling the old one).',
    );

  const warnDrift = (a: RawAction) =>
    warn(
      'rerace-drift',
      `Task ids have drifted: '${a.functionName ?? a.operation ?? `action type ${a.actionType}`}' was scheduled after a ` +
        'task raced in a second Task.any/Task.all, so the extension numbers it one higher than durable-functions does. ' +
        'Its result (and every later one) reaches another task or none, exactly as on the real host.',
    );

  /** ScheduleDurableTaskEvents → ReplayOOProcOrchestration → ProcessAsyncActionsV2. */
  const runShim = (): DTask<string | null> =>
    runAsync(function* () {
      const actions = response.actions ?? [[]];
      if (actions.length !== 1) {
        throw new Error(
          `With OOProc schema V3, expected actions array to be of length 1 in outer layer but got size: ${actions.length}`,
        );
      }
      for (const action of (actions[0] ?? []) as RawAction[]) {
        const task = invoke(action);
        try {
          yield task;
        } catch {
          // Exceptions from user code are handled by the out-of-proc SDK, not here.
        }
      }
      if (response.error !== undefined) {
        const details = response.failureDetails as { ErrorType?: string; StackTrace?: string } | undefined;
        throw new OrchestrationFailure(
          `Orchestrator function '${input.name}' failed: ${response.error}`,
          details?.ErrorType ?? 'Error',
          details?.StackTrace ?? undefined,
        );
      }
      if (response.isDone) return response.output === undefined ? null : JSON.stringify(response.output);
      return (yield never()) as never;
    });

  // ── TaskOrchestrationExecutor.ExecuteCore ───────────────────────────────────────────────────

  let result: DTask<string | null> | undefined;
  try {
    for (const e of input.history) {
      if (e.EventType === 12) {
        ctx.now = Date.parse(e.Timestamp);
        continue;
      }
      if (e.EventType === 0) {
        result = runShim();
        continue;
      }
      ctx.processEvent(e);
    }
  } catch (err) {
    if (!(err instanceof NonDeterminismError)) throw err;
    return {
      scheduled: sortedActions(ctx),
      completion: { status: 'Failed', message: err.message, errorType: err.name, nonDeterminism: true },
      warnings,
    };
  }

  const decision: ShimDecision = { scheduled: sortedActions(ctx), warnings };
  const jsFinished = response.isDone || response.error !== undefined;
  if (!result?.isDone || ctx.hasOpenTasks) {
    if (jsFinished) warnStillRunning(warn, ctx, result);
    return decision;
  }
  if (result.status === 'ok') {
    decision.completion = ctx.continueAsNew
      ? { status: 'ContinuedAsNew', input: ctx.continueAsNew.input, carryOver: ctx.carryOver }
      : { status: 'Completed', output: result.value ?? null };
  } else {
    const err = result.error;
    decision.completion =
      err instanceof OrchestrationFailure
        ? { status: 'Failed', message: err.message, errorType: err.errorType, stackTrace: err.stackTrace }
        : {
            status: 'Failed',
            message: `Orchestrator function '${input.name}' failed: ${err instanceof Error ? err.message : String(err)}`,
            errorType: err instanceof Error ? err.name : 'Error',
          };
  }
  return decision;
}

/** ArgumentException: its message is what the instance fails with. */
class ArgumentError extends Error {
  override name = 'ArgumentException';
}

const TAKES_ID = new Set<number>([
  ActionType.CallActivity,
  ActionType.CallActivityWithRetry,
  ActionType.CallSubOrchestrator,
  ActionType.CallSubOrchestratorWithRetry,
  ActionType.CreateTimer,
  ActionType.CallEntity,
  ActionType.CallHttp,
  ActionType.SignalEntity,
]);

/** RetryInterceptor.ComputeNextDelay with the extension's defaults (no timeout, max interval 6 days, backoff 1). */
export function nextRetryDelay(
  policy: RetryPolicy,
  attempt: number,
  firstAttempt: number,
  now: number,
): number {
  const timeout = policy.retryTimeoutInMilliseconds;
  const expiration = timeout === undefined ? Infinity : firstAttempt + timeout;
  if (!(now < expiration)) return 0;
  const delay = policy.firstRetryIntervalInMilliseconds * Math.pow(policy.backoffCoefficient ?? 1, attempt);
  const max = policy.maxRetryIntervalInMilliseconds ?? SIX_DAYS_MS;
  return delay < max ? delay : max;
}

function sortedActions(ctx: DtfxContext): DtfxAction[] {
  return [...ctx.actions.values()].sort((a, b) => a.id - b.id);
}

function warnStillRunning(
  warn: (code: string, message: string) => void,
  ctx: DtfxContext,
  result: DTask | undefined,
): void {
  const open = [...ctx.openTasks.keys()].map((id) => describeOpen(ctx.scheduled.get(id), id));
  if (result?.isDone && open.length > 0) {
    warn(
      'open-tasks',
      `The orchestrator finished, but ${open.join(', ')} it started ${open.length > 1 ? 'are' : 'is'} still outstanding. ` +
        'DurableTask.Core keeps the instance Running until every outstanding task completes — for a timer, until it ' +
        'fires. Cancel losing timers (timer.cancel()) before returning.',
    );
    return;
  }
  warn(
    'shim-blocked',
    'The orchestrator finished, but the extension is still waiting on an earlier Task.all/Task.any or call: its shim ' +
      'replays the top-level tasks one after another and waits for each (a Task.all for all of its tasks, even after one ' +
      'failed; a call to a function that does not exist, forever). The instance stays Running until that completes.',
  );
}

function describeOpen(a: DtfxAction | undefined, id: number): string {
  switch (a?.type) {
    case 'createTimer':
      return `timer #${id} (fires ${new Date(a.fireAt).toISOString()})`;
    case 'scheduleTask':
      return `activity '${a.name}' #${id}`;
    case 'createSubOrchestration':
      return `sub-orchestration '${a.name}' #${id}`;
    default:
      return `task #${id}`;
  }
}
