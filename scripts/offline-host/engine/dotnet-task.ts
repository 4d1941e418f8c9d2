/**
 * The slice of .NET task semantics the Durable extension's replay depends on, so that the shim in
 * shim-replay.ts can be written the way the C# reads.
 *
 * DurableTask.Core runs orchestrator code on a SynchronousTaskScheduler (Azure/durabletask,
 * src/DurableTask.Core/TaskOrchestrationExecutor.cs): continuations run inline, in registration order,
 * as soon as a task completes. `await` of a completed task continues at once. An `async` method that
 * throws before its first await returns a faulted task instead of throwing (this matters: the
 * extension's shim swallows faulted tasks).
 */

export type TaskStatus = 'pending' | 'ok' | 'faulted' | 'canceled';

/** OperationCanceledException: awaiting a canceled task throws it. */
export class TaskCanceledError extends Error {
  override name = 'TaskCanceledException';
  constructor() {
    super('A task was canceled.');
  }
}

export class DTask<T = unknown> {
  status: TaskStatus = 'pending';
  value: T | undefined;
  error: unknown;
  private waiters: Array<() => void> = [];

  get isDone(): boolean {
    return this.status !== 'pending';
  }

  /** Runs `fn` when the task completes (now, if it already has). */
  onDone(fn: () => void): void {
    if (this.isDone) fn();
    else this.waiters.push(fn);
  }

  trySetResult(value: T): boolean {
    return this.settle('ok', value, undefined);
  }

  trySetException(error: unknown): boolean {
    return this.settle('faulted', undefined, error);
  }

  trySetCanceled(): boolean {
    return this.settle('canceled', undefined, new TaskCanceledError());
  }

  private settle(status: TaskStatus, value: T | undefined, error: unknown): boolean {
    if (this.isDone) return false;
    this.status = status;
    this.value = value;
    this.error = error;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
    return true;
  }
}

export function completedTask<T>(value: T): DTask<T> {
  const t = new DTask<T>();
  t.trySetResult(value);
  return t;
}

export function faultedTask<T = never>(error: unknown): DTask<T> {
  const t = new DTask<T>();
  t.trySetException(error);
  return t;
}

/**
 * An `async` method: `yield task` is `await task` (throws the task's error, or TaskCanceledError).
 * A throw anywhere, before or after the first await, faults the returned task.
 */
export function runAsync<R>(body: () => Generator<DTask, R, unknown>): DTask<R> {
  const result = new DTask<R>();
  let gen: Generator<DTask, R, unknown>;
  try {
    gen = body();
  } catch (err) {
    result.trySetException(err);
    return result;
  }
  const step = (input: { ok: true; value: unknown } | { ok: false; error: unknown }): void => {
    let next: IteratorResult<DTask, R>;
    try {
      next = input.ok ? gen.next(input.value) : gen.throw(input.error);
    } catch (err) {
      result.trySetException(err);
      return;
    }
    if (next.done) {
      result.trySetResult(next.value);
      return;
    }
    const awaited = next.value;
    awaited.onDone(() =>
      step(
        awaited.status === 'ok' ? { ok: true, value: awaited.value } : { ok: false, error: awaited.error },
      ),
    );
  };
  step({ ok: true, value: undefined });
  return result;
}

/** Task.WhenAll: completes when every task has; faulted by the first faulted (in order), else canceled if any was. */
export function whenAll(tasks: readonly DTask[]): DTask<unknown[]> {
  const all = new DTask<unknown[]>();
  let left = tasks.length;
  const finish = () => {
    const faulted = tasks.find((t) => t.status === 'faulted');
    if (faulted) all.trySetException(faulted.error);
    else if (tasks.some((t) => t.status === 'canceled')) all.trySetCanceled();
    else all.trySetResult(tasks.map((t) => t.value));
  };
  if (left === 0) finish();
  for (const t of tasks) {
    t.onDone(() => {
      left--;
      if (left === 0) finish();
    });
  }
  return all;
}

/** Task.WhenAny: completes (never faults) with the first task to complete; an already completed one wins at once. */
export function whenAny(tasks: readonly DTask[]): DTask<DTask> {
  const any = new DTask<DTask>();
  const first = tasks.find((t) => t.isDone);
  if (first) {
    any.trySetResult(first);
    return any;
  }
  for (const t of tasks) t.onDone(() => any.trySetResult(t));
  return any;
}

/** A task that never completes (`Task.Delay(Timeout.Infinite)`). */
export function never<T = never>(): DTask<T> {
  return new DTask<T>();
}
