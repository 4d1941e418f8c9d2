import * as df from 'durable-functions';
import type { OrchestrationContext, Task, TimerTask } from 'durable-functions';
import { ledgerActionsFor, type ApplyResult } from '../actions/ledger';
import {
  closed,
  initialStatus,
  withAssessment,
  withDecision,
  withEvent,
  withEvidence,
} from '../cases/status';
import type { CaseStatus, DecisionRecord } from '../cases/types';
import type { Alert } from '../detection/schema';
import {
  activities,
  orchestrations,
  type CaseEvent,
  type Escalation,
  type PriorRound,
} from '../durable/activities';
import { accountLedger, caseSession, customerProfile } from '../durable/entities';
import { activityTask, all, call, callEntity, orchestrationInput, signalEntity } from '../durable/typed';
import { SpecialistName, type ActionName, type Assessment } from '../investigation/types';
import { AccountLedgerOps, CaseSessionOps, CustomerProfileOps, Events } from '../names';
import {
  actionIdempotencyKey,
  classifyDecision,
  deadlineFor,
  needsReview,
  nextAfterReject,
} from '../review/policy';
import { AnalystDecision, type Outcome, type ReviewOutcome } from '../review/types';

/**
 * The case: investigate → (auto-clear | ask the analyst and wait, up to the deadline) → act once → close.
 * DESIGN.md Layer 3. Deterministic: time from currentUtcDateTime, settings from the input, I/O in activities.
 */

/** Activity retries: 3 attempts, 5 s then 10 s apart. Failure after that escalates the case (fail closed). */
const RETRY = Object.assign(new df.RetryOptions(5_000, 3), { backoffCoefficient: 2 });
const SPECIALISTS = SpecialistName.options;
const MAX_EVIDENCE = 25;

export function* investigateCaseOrchestrator(
  context: OrchestrationContext,
): Generator<Task, CaseStatus, unknown> {
  const input = orchestrationInput(context, orchestrations.investigateCase);
  const { caseId, customerId, alert, settings } = input;
  const now = () => context.df.currentUtcDateTime.toISOString();

  let status = initialStatus(input, now());
  const feedback: string[] = [];
  const evidence: Alert[] = [];
  const priorRounds: PriorRound[] = [];
  const seenDecisionIds: string[] = [];
  const seenEvidenceIds: string[] = [];

  const update = (next: CaseStatus) => {
    status = next;
    context.df.setCustomStatus(status);
  };
  update(status);
  signalEntity(context, caseSession, caseId, CaseSessionOps.open, { caseId, alert, openedAt: now() });

  /**
   * Later alerts for the customer wait in the case session (a durable inbox: startCase signals them there,
   * deduplicated by alert id). The case reads it before each round, before acting and before clearing;
   * it never races external events for them, so no alert can be lost between two waits.
   */
  function* readEvidence(): Generator<Task, number, unknown> {
    const inbox = yield* callEntity(context, caseSession, caseId, CaseSessionOps.evidence);
    const fresh = inbox.filter((a) => a.alertId !== alert.alertId && !seenEvidenceIds.includes(a.alertId));
    if (fresh.length === 0) return 0;
    seenEvidenceIds.push(...fresh.map((a) => a.alertId));
    // The newest alerts tell the story; activity inputs and the history stay bounded.
    evidence.push(...fresh);
    evidence.splice(0, Math.max(0, evidence.length - MAX_EVIDENCE));
    update(
      withEvent(
        withEvidence(status, fresh.length),
        now(),
        'evidence_added',
        {},
        `${fresh.length} new alert(s): ${fresh.map((a) => a.rule).join(', ')}`,
      ),
    );
    return fresh.length;
  }

  function* investigate(): Generator<Task, Assessment, unknown> {
    yield* readEvidence();
    const round = status.round;
    const tasks = SPECIALISTS.map((specialist) =>
      activityTask(
        context,
        activities.investigateSpecialist,
        {
          caseId,
          round,
          specialist,
          alert,
          // Copies: the action keeps a reference to its input until the episode's actions are serialized.
          priorRounds: [...priorRounds],
          feedback: [...feedback],
          newEvidence: [...evidence],
        },
        { retry: RETRY },
      ),
    );
    const outputs = yield* all(context, tasks);
    const findings = outputs.map((o) => o.findings);
    const assessment = yield* call(
      context,
      activities.aggregateFindings,
      { caseId, round, findings, threshold: settings.riskThreshold },
      { retry: RETRY },
    );
    signalEntity(context, caseSession, caseId, CaseSessionOps.recordRound, {
      round,
      assessment,
      transcripts: outputs.map((o) => o.transcript),
      at: now(),
    });
    return assessment;
  }

  /**
   * The human-in-the-loop race: a decision for this round, or the deadline. An ignored decision keeps it
   * waiting for the same deadline. Every turn races fresh tasks (a new timer, the previous one cancelled;
   * a new decision wait once the last one has completed): a task yielded again into a second Task.any is
   * scheduled again by the extension and queued twice by the library, and events then reach stale tasks.
   */
  function* awaitDecision(deadline: string): Generator<Task, ReviewOutcome, unknown> {
    for (;;) {
      const decisionWait = context.df.waitForExternalEvent(Events.analystDecision);
      const timer: TimerTask = context.df.createTimer(new Date(deadline));
      const winner = yield context.df.Task.any([decisionWait, timer]);
      if (winner === timer) return { kind: 'timedOut', deadline };
      timer.cancel();
      const parsed = AnalystDecision.safeParse(decisionWait.result);
      if (!parsed.success) {
        update(withEvent(status, now(), 'decision_ignored', {}, 'malformed decision event'));
        continue;
      }
      const decision = parsed.data;
      const verdict = classifyDecision(decision, { awaitingRound: status.round, seenDecisionIds });
      const disposition = verdict === 'accept' ? 'accepted' : verdict;
      seenDecisionIds.push(decision.decisionId);
      const record: DecisionRecord = { ...decision, disposition };
      if (disposition !== 'accepted') {
        update(
          withEvent(withDecision(status, record), now(), `decision_${disposition}`, {}, describe(record)),
        );
        continue;
      }
      update(withDecision(status, record));
      return decision.decision === 'approve'
        ? { kind: 'approved', decision }
        : { kind: 'rejected', decision };
    }
  }

  function* close(
    outcome: Outcome,
    detail: string,
    action?: CaseStatus['action'],
  ): Generator<Task, CaseStatus, unknown> {
    update(closed(status, now(), outcome, detail, action));
    const event: CaseEvent = { caseId, customerId, status };
    // The profile learns first, so alerts from now on open a new case instead of joining this one.
    signalEntity(context, customerProfile, customerId, CustomerProfileOps.caseClosed, { caseId });
    // Notifications are best-effort and independent: the outcome is decided and is never re-run.
    const notify = function* (run: () => Generator<Task, unknown, unknown>, name: string) {
      try {
        yield* run();
      } catch (err) {
        update(withEvent(status, now(), 'notification_failed', {}, `${name}: ${errorText(err)}`));
      }
    };
    if (isEscalation(outcome))
      yield* notify(
        () => call(context, activities.escalate, { ...event, reason: outcome, detail }, { retry: RETRY }),
        activities.escalate.name,
      );
    if (outcome === 'auto_cleared')
      yield* notify(
        () => call(context, activities.autoClear, event, { retry: RETRY }),
        activities.autoClear.name,
      );
    yield* notify(
      () => call(context, activities.sendNotification, event, { retry: RETRY }),
      activities.sendNotification.name,
    );
    return status;
  }

  function* act(action: ActionName, analyst: string): Generator<Task, CaseStatus['action'], unknown> {
    const round = status.round;
    const idempotencyKey = actionIdempotencyKey(caseId, round, action);
    const results: ApplyResult[] = [];
    for (const ledgerAction of ledgerActionsFor(action)) {
      results.push(
        yield* callEntity(context, accountLedger, customerId, AccountLedgerOps.apply, {
          idempotencyKey: `${idempotencyKey}:${ledgerAction}`,
          action: ledgerAction,
          reason: `case ${caseId} round ${round}, approved by ${analyst}`,
          caseId,
          round,
          analyst,
          ...(ledgerAction === 'refund_charges' ? { amount: flaggedAmount([alert, ...evidence]) } : {}),
          at: now(),
        }),
      );
    }
    const result = { action, idempotencyKey, applied: results.some((r) => r.applied), at: now() };
    try {
      yield* call(
        context,
        activities.executeAction,
        { caseId, customerId, round, action, idempotencyKey, analyst, ledger: results },
        { retry: RETRY },
      );
    } catch (err) {
      // The ledger already holds the action: say so, rather than "nothing was done".
      throw new DeliveryFailed(result, errorText(err));
    }
    return result;
  }

  for (;;) {
    let assessment: Assessment;
    try {
      assessment = yield* investigate();
    } catch (err) {
      return yield* close('escalated_failure', `investigation failed: ${errorText(err)}`);
    }
    priorRounds.push({
      round: status.round,
      riskScore: assessment.riskScore,
      level: assessment.level,
      reasoning: assessment.reasoning.slice(0, 1000),
    });
    update(
      withEvent(
        withAssessment(status, assessment),
        now(),
        'assessed',
        {},
        `risk ${assessment.riskScore.toFixed(2)} (${assessment.level})`,
      ),
    );

    // Degraded findings never auto-clear: without evidence, a human decides.
    if (!needsReview(assessment, settings.riskThreshold)) {
      // Alerts that arrived while this round ran were not part of it: look again rather than clear.
      const late = yield* readEvidence();
      if (late === 0)
        return yield* close(
          'auto_cleared',
          `risk ${assessment.riskScore.toFixed(2)} below ${settings.riskThreshold}`,
        );
      if (status.round < settings.maxRounds) {
        update(
          withEvent(status, now(), 'reinvestigating', { round: status.round + 1 }, 'new evidence arrived'),
        );
        continue;
      }
      // Out of rounds with unexamined evidence: a human looks instead.
    }

    const deadline = deadlineFor(now(), settings.decisionTimeoutHours);
    update(withEvent(status, now(), 'awaiting_decision', { stage: 'awaiting_decision', deadline }));
    try {
      yield* call(context, activities.notifyAnalyst, { caseId, customerId, status }, { retry: RETRY });
    } catch (err) {
      update(withEvent(status, now(), 'notification_failed', {}, errorText(err)));
    }

    const review = yield* awaitDecision(deadline);
    if (review.kind === 'timedOut') {
      return yield* close('escalated_timeout', `no decision by ${deadline}`);
    }
    const { decision } = review;
    if (review.kind === 'rejected') {
      const text = decision.feedback ?? '';
      feedback.push(text);
      signalEntity(context, caseSession, caseId, CaseSessionOps.addFeedback, {
        round: decision.round,
        feedback: text,
        analyst: decision.analyst,
        at: now(),
      });
      if (nextAfterReject(status.round, settings.maxRounds) === 'escalate_max_rounds') {
        update(withEvent(status, now(), 'rejected', {}, text, decision.analyst));
        return yield* close('escalated_max_rounds', `${settings.maxRounds} rounds rejected`);
      }
      update(
        withEvent(
          status,
          now(),
          'rejected',
          { stage: 'investigating', round: status.round + 1, deadline: undefined },
          text,
          decision.analyst,
        ),
      );
      continue;
    }

    const action = decision.action ?? 'clear';
    if (action === 'clear')
      return yield* close('cleared_by_analyst', `${decision.analyst} cleared the alert`);
    update(
      withEvent(
        status,
        now(),
        'approved',
        { stage: 'executing', deadline: undefined },
        `${decision.analyst} approved ${action}`,
        decision.analyst,
      ),
    );
    let result: CaseStatus['action'];
    try {
      yield* readEvidence();
      result = yield* act(action, decision.analyst);
    } catch (err) {
      if (err instanceof DeliveryFailed)
        return yield* close(
          'escalated_failure',
          `${action} applied in the ledger, but its delivery failed: ${err.reason}`,
          err.result,
        );
      return yield* close('escalated_failure', `action ${action} failed: ${errorText(err)}`);
    }
    return yield* close('action_executed', `${action} by ${decision.analyst}`, result);
  }
}

class DeliveryFailed extends Error {
  constructor(
    readonly result: NonNullable<CaseStatus['action']>,
    readonly reason: string,
  ) {
    super(reason);
  }
}

function isEscalation(outcome: Outcome): outcome is Escalation {
  return outcome.startsWith('escalated_');
}

/** What a refund returns: the flagged transactions of the case. */
function flaggedAmount(alerts: Alert[]): number {
  let total = 0;
  for (const a of alerts) for (const e of a.events) if (e.type === 'transaction') total += e.amount;
  return Math.round(total * 100) / 100;
}

function describe(d: DecisionRecord): string {
  return `${d.analyst}: ${d.decision}${d.action ? ` ${d.action}` : ''} for round ${d.round} (${d.disposition})`;
}

function errorText(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).slice(0, 500);
}
