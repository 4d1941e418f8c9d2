import * as df from 'durable-functions';
import type { OrchestrationContext, Task, TimerTask } from 'durable-functions';
import { commandFor, start, step, type CaseEvent, type Command, type Effect } from '../cases/reducer';
import type { CaseStatus } from '../cases/types';
import { activities, orchestrations } from '../durable/activities';
import { accountLedger, caseSession, customerProfile } from '../durable/entities';
import { activityTask, all, call, callEntity, orchestrationInput, signalEntity } from '../durable/typed';
import { SpecialistName } from '../investigation/types';
import { AccountLedgerOps, CaseSessionOps, CustomerProfileOps, Events } from '../names';
import { deliver } from './deliver';

/**
 * The case orchestration. Every decision is the reducer's (src/cases/reducer.ts): this generator only
 * carries out the command the case waits for and feeds the result back as an event, publishing the case
 * status as its custom status. Deterministic: time from currentUtcDateTime, settings from the input,
 * I/O in activities and entities.
 */

/** Activity retries: 3 attempts, 5 s then 10 s apart. Failure after that escalates the case (fail closed). */
const RETRY = Object.assign(new df.RetryOptions(5_000, 3), { backoffCoefficient: 2 });

export function* investigateCaseOrchestrator(
  context: OrchestrationContext,
): Generator<Task, CaseStatus, unknown> {
  const input = orchestrationInput(context, orchestrations.investigateCase);
  const { caseId, customerId } = input;
  const now = () => context.df.currentUtcDateTime.toISOString();
  let { state, effects } = start(input, now());
  let published: CaseStatus | undefined;

  for (;;) {
    if (state.status !== published) context.df.setCustomStatus((published = state.status));
    for (const effect of effects) perform(effect);
    const command = commandFor(state);
    if (command.kind === 'complete') return command.output;
    const event = yield* carryOut(command);
    ({ state, effects } = step(state, event));
  }

  function perform(effect: Effect): void {
    if (effect.kind === 'openSession')
      signalEntity(context, caseSession, caseId, CaseSessionOps.open, effect.input);
    if (effect.kind === 'recordRound')
      signalEntity(context, caseSession, caseId, CaseSessionOps.recordRound, effect.input);
    if (effect.kind === 'addFeedback')
      signalEntity(context, caseSession, caseId, CaseSessionOps.addFeedback, effect.input);
    if (effect.kind === 'addEvidence')
      signalEntity(context, caseSession, caseId, CaseSessionOps.addEvidence, effect.input);
  }

  function* carryOut(command: Exclude<Command, { kind: 'complete' }>): Generator<Task, CaseEvent, unknown> {
    switch (command.kind) {
      case 'readEvidence': {
        const taken = yield* callEntity(context, customerProfile, customerId, CustomerProfileOps.take, {
          caseId,
          ...(command.final ? { final: command.final } : {}),
        });
        const { alerts, dropped, final } = taken;
        return { type: 'evidence', alerts, dropped, ...(final !== undefined ? { final } : {}), at: now() };
      }

      case 'investigate':
        try {
          const { round, alert, priorRounds, feedback, newEvidence, threshold } = command;
          const outputs = yield* all(
            context,
            SpecialistName.options.map((specialist) =>
              activityTask(
                context,
                activities.investigateSpecialist,
                // asOf: the round's time (the orchestration's clock); the tools read the account as of it.
                { caseId, round, specialist, alert, priorRounds, feedback, newEvidence, asOf: now() },
                { retry: RETRY },
              ),
            ),
          );
          const findings = outputs.map((o) => o.findings);
          const assessment = yield* call(
            context,
            activities.aggregateFindings,
            // Every alert of the case so far, for the auto-clear policy (critical or corroborating rules).
            { caseId, round, findings, threshold, alerts: [alert, ...newEvidence] },
            { retry: RETRY },
          );
          return {
            type: 'investigated',
            assessment,
            transcripts: outputs.map((o) => o.transcript),
            at: now(),
          };
        } catch (err) {
          return { type: 'investigationFailed', error: errorText(err), at: now() };
        }

      case 'notifyAnalyst': {
        const status = command.status;
        const error = yield* failureOf(() =>
          call(context, activities.notifyAnalyst, { caseId, customerId, status }, { retry: RETRY }),
        );
        return { type: 'notified', ...error, at: now() };
      }

      case 'awaitDecision':
        return yield* awaitDecision(command.deadline);

      case 'applyLedger':
        try {
          const results = [];
          for (const request of command.requests)
            results.push(
              yield* callEntity(context, accountLedger, customerId, AccountLedgerOps.apply, request),
            );
          return { type: 'ledgerApplied', results, at: now() };
        } catch (err) {
          return { type: 'ledgerFailed', error: errorText(err), at: now() };
        }

      case 'deliverAction': {
        const action = { caseId, customerId, ...command.input };
        const error = yield* failureOf(() =>
          call(context, activities.executeAction, action, { retry: RETRY }),
        );
        return { type: 'delivered', ...error, at: now() };
      }

      case 'release': {
        const released = yield* callEntity(context, customerProfile, customerId, CustomerProfileOps.release, {
          caseId,
        });
        return { type: 'released', ...(released.next ? { next: released.next } : {}), at: now() };
      }

      case 'handOver': {
        const { caseId: nextCaseId, alert, alerts } = command.next;
        const route = {
          alerts: [alert, ...alerts],
          startCase: { caseId: nextCaseId, alert },
          ...(alerts.length ? { attach: { caseId: nextCaseId, alerts, opener: alert } } : {}),
        };
        const error = yield* failureOf(() => deliver(context, customerId, route));
        return { type: 'handedOver', ...error, at: now() };
      }

      case 'notify': {
        const event = { caseId, customerId, status: command.status };
        const { notice, escalation } = command;
        const error = yield* failureOf(() =>
          notice === 'escalate' && escalation
            ? call(context, activities.escalate, { ...event, ...escalation }, { retry: RETRY })
            : call(context, activities[notice === 'autoClear' ? 'autoClear' : 'sendNotification'], event, {
                retry: RETRY,
              }),
        );
        return { type: 'notified', ...error, at: now() };
      }
    }
  }

  /**
   * The human-in-the-loop race: a decision for this round, or the deadline. Every turn races fresh tasks
   * (a new timer, the losing one cancelled; a new decision wait once the last one has completed): a task
   * yielded again into a second Task.any is scheduled again by the extension and queued twice by the
   * library, and events then reach stale tasks. The reducer decides what a decision means; an ignored one
   * brings the case back here, with the same deadline.
   */
  function* awaitDecision(deadline: string): Generator<Task, CaseEvent, unknown> {
    const decisionWait = context.df.waitForExternalEvent(Events.analystDecision);
    const timer: TimerTask = context.df.createTimer(new Date(deadline));
    const winner = yield context.df.Task.any([decisionWait, timer]);
    if (winner === timer) return { type: 'deadlinePassed', at: now() };
    timer.cancel();
    return { type: 'decision', payload: decisionWait.result, at: now() };
  }

  /** Runs a call whose failure the case records rather than fails on: `{ error }` when it failed. */
  function* failureOf(
    run: () => Generator<Task, unknown, unknown>,
  ): Generator<Task, { error?: string }, unknown> {
    try {
      yield* run();
      return {};
    } catch (err) {
      return { error: errorText(err) };
    }
  }
}

function errorText(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).slice(0, 500);
}
