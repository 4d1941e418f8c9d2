/**
 * Runs activities and entity batches. Each result is committed as one store unit together with the
 * removal of the message that asked for it, so a crash before that commit re-runs the work
 * (at-least-once activities; an entity batch's state changes and replies are all-or-nothing).
 */
import { randomUUID } from 'node:crypto';
import { FunctionError, type AppInvoker, type EntityBatchResult, type HistoryEvent } from '../types.js';
import { batchOutgoing, batchRequest, failedBatch, parseEntityId } from './entity-batch.js';
import { EventType, failureDetails, historyEvent } from './events.js';
import type { ActivityMessage, Message } from './model.js';
import { HTTP_ACTIVITY, type ExtensionHttpRequest } from './durable-http.js';
import { checkPayload, LimitError, payloadProblem } from './limits.js';
import { runHttpActivity } from './http-activity.js';
import type { Runtime } from './runtime.js';

export function createWorkRunner(
  rt: Runtime,
  invoker: AppInvoker,
  crashAt?: (point: string, detail: string) => void,
) {
  const runActivity = async (m: ActivityMessage): Promise<void> => {
    rt.activitiesRunning++;
    try {
      let event: HistoryEvent;
      try {
        const input: unknown = m.input === null ? undefined : JSON.parse(m.input);
        const result =
          m.name === HTTP_ACTIVITY
            ? await runHttpActivity(input as ExtensionHttpRequest)
            : await invoker.invokeActivity(m.name, input, m.target);
        // The library JSON.parses Result: a function that returns nothing completes with null.
        const json = result === undefined ? 'null' : JSON.stringify(result);
        checkPayload(`The output of activity '${m.name}' (task #${m.taskId})`, json);
        event = historyEvent(EventType.TaskCompleted, rt.clock.now(), {
          TaskScheduledId: m.taskId,
          Result: json,
        });
      } catch (err) {
        const e =
          err instanceof FunctionError
            ? err
            : new FunctionError(
                err instanceof Error ? err.message : String(err),
                err instanceof LimitError ? err.name : 'Error',
              );
        event = historyEvent(EventType.TaskFailed, rt.clock.now(), {
          TaskScheduledId: m.taskId,
          Reason: e.message,
          Details: e.stackTrace ?? null,
          FailureDetails: failureDetails(e.errorType, e.message, e.stackTrace),
        });
      }
      crashAt?.('after-activity', m.name);
      let delivered: Message | undefined;
      rt.db().transaction(() => {
        rt.db().deleteMessage(m.seq);
        delivered = rt.persistMessage({
          kind: 'orchestration',
          target: m.target,
          executionId: m.executionId,
          visibleAt: rt.clock.now(),
          event,
        });
      });
      if (delivered) rt.deliver(delivered);
    } finally {
      rt.activitiesRunning--;
      rt.pump();
    }
  };

  const entityFunction = (name: string): string | undefined =>
    invoker.functions.find((f) => f.trigger === 'entityTrigger' && f.name.toLowerCase() === name)?.name;

  /** One batch: every operation queued when it starts; later ones wait for the next batch (FIFO). */
  const runEntityBatch = async (id: string): Promise<void> => {
    rt.runningEntities.add(id);
    const ops = rt.entityQueues.get(id) ?? [];
    rt.entityQueues.delete(id);
    try {
      const { name } = parseEntityId(id);
      const fn = entityFunction(name);
      const current = rt.entities.get(id);
      const state = current === undefined ? undefined : current.state;
      let result: EntityBatchResult;
      // A batch that could not run at all keeps the entity's state; callers get errors.
      let keepState = false;
      if (!fn) {
        result = failedBatch(ops, `The app has no entity function named '${name}'.`);
        keepState = true;
      } else {
        try {
          result = await invoker.invokeEntity(fn, batchRequest(id, state, ops));
          // DTS refuses an oversized state (or reply): the batch is rolled back and every caller told why.
          const overLimit =
            payloadProblem(`The state of entity '${id}'`, result.entityExists ? result.entityState : null) ??
            result.results
              .map((r, i) =>
                payloadProblem(`The result of operation '${ops[i]?.op.name}' on entity '${id}'`, r.result),
              )
              .find((p) => p !== undefined);
          if (overLimit) {
            rt.log(`[host] WARNING ${overLimit} The batch of ${ops.length} operation(s) was rolled back.`);
            result = failedBatch(ops, overLimit);
            keepState = true;
          }
        } catch (err) {
          result = failedBatch(ops, err instanceof Error ? err.message : String(err));
          keepState = true;
        }
      }
      crashAt?.('mid-entity-batch', name);
      const outgoing = batchOutgoing(ops, result, rt.clock.now(), randomUUID);
      const exists = keepState ? state !== undefined : result.entityExists;
      const newState = keepState ? (state ?? null) : (result.entityState ?? null);
      const delivered: Message[] = [];
      rt.db().transaction(() => {
        const s = rt.db();
        for (const m of ops) s.deleteMessage(m.seq);
        if (exists) s.putEntity(id, newState, rt.clock.now());
        else s.deleteEntity(id);
        for (const out of outgoing) delivered.push(rt.persistMessage(out));
      });
      if (exists) rt.entities.set(id, { state: newState, updatedAt: rt.clock.now() });
      else rt.entities.delete(id);
      delivered.forEach((m) => rt.deliver(m));
    } finally {
      rt.runningEntities.delete(id);
      rt.entitySettled(id);
    }
  };

  return { runActivity, runEntityBatch };
}
