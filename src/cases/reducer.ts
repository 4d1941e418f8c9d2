import { classifyDecision, needsReview, nextAfterReject } from '../review/policy';
import { AnalystDecision } from '../review/types';
import type { CaseEvent, CaseState, Command, Effect, Step } from './machine';
import { initialStatus, withAssessment, withDecision, withEvent } from './status';
import {
  afterLastRead,
  applyAction,
  askAnalyst,
  awaited,
  closing,
  describe,
  finalize,
  isEscalation,
  UnexpectedEvent,
  withFreshEvidence,
} from './transitions';
import type { ActionResult, CaseInput, DecisionRecord } from './types';

export * from './machine';

/**
 * The case as a pure reducer: `step(state, event)` → the next state and its fire-and-forget effects;
 * `commandFor(state)` → the one thing the case waits for next. The orchestrator (investigateCase.ts)
 * only carries commands out and feeds their results back as events, so every rule of DESIGN.md Layer 3
 * lives here, testable without a durable host: investigate → (auto-clear | ask the analyst and wait, up
 * to the deadline) → act once → release the customer's routing → close → notify.
 */

export function start(input: CaseInput, at: string): Step {
  const { caseId, alert } = input;
  return {
    state: {
      input,
      status: initialStatus(input, at),
      phase: { kind: 'reading', then: 'investigate' },
      feedback: [],
      evidence: [],
      priorRounds: [],
      seenDecisionIds: [],
      seenEvidenceIds: [],
    },
    effects: [{ kind: 'openSession', input: { caseId, alert, openedAt: at } }],
  };
}

export function commandFor(state: CaseState): Command {
  const { phase, input } = state;
  switch (phase.kind) {
    case 'reading':
      if (phase.then === 'investigate') return { kind: 'readEvidence' };
      return { kind: 'readEvidence', final: phase.then === 'clear' ? 'ifEmpty' : 'always' };
    case 'investigating':
      return {
        kind: 'investigate',
        round: state.status.round,
        alert: input.alert,
        priorRounds: [...state.priorRounds],
        feedback: [...state.feedback],
        newEvidence: [...state.evidence],
        threshold: input.settings.riskThreshold,
      };
    case 'notifying':
      return { kind: 'notifyAnalyst', status: state.status };
    case 'awaiting':
      return { kind: 'awaitDecision', deadline: phase.deadline };
    case 'applying':
      return { kind: 'applyLedger', requests: phase.requests };
    case 'delivering':
      return {
        kind: 'deliverAction',
        input: {
          round: state.status.round,
          action: phase.result.action,
          idempotencyKey: phase.result.idempotencyKey,
          analyst: phase.analyst,
          ledger: phase.ledger,
        },
      };
    case 'releasing':
      return { kind: 'release' };
    case 'handingOver':
      return { kind: 'handOver', next: phase.next };
    case 'announcing': {
      const [notice] = phase.notices;
      if (!notice) return { kind: 'complete', output: state.status };
      const { outcome, detail } = phase.closing;
      const escalation =
        notice === 'escalate' && isEscalation(outcome) ? { reason: outcome, detail } : undefined;
      return { kind: 'notify', notice, status: state.status, ...(escalation ? { escalation } : {}) };
    }
    case 'done':
      return { kind: 'complete', output: state.status };
  }
}

export function step(state: CaseState, event: CaseEvent): Step {
  const { phase } = state;
  const none = (next: CaseState): Step => ({ state: next, effects: [] });
  switch (phase.kind) {
    case 'reading': {
      const read = awaited(event, 'evidence', phase);
      const { state: next, fresh } = withFreshEvidence(state, read.alerts, read.dropped ?? 0, read.at);
      const counted = next.status.evidenceCount - state.status.evidenceCount;
      // The session shows exactly what the case read, when it read it.
      const effects: Effect[] = fresh.length
        ? [{ kind: 'addEvidence', input: { alerts: fresh, round: state.status.round, at: read.at } }]
        : [];
      const go = (s: CaseState): Step => ({ state: s, effects });
      if (phase.then === 'investigate') return go({ ...next, phase: { kind: 'investigating' } });
      if (phase.then === 'act') return go(applyAction(next, phase.action, phase.analyst, read.at));
      // An escalation carries what it read to the human who takes the case over.
      if (phase.then === 'close') return go(closing(next, phase.closing));
      // Before clearing: alerts that arrived since the case (or the analyst) last looked — look again.
      // `final` is the profile's word that nothing was waiting (absent in histories of older builds).
      if (counted === 0 && read.final !== false) return go(closing(next, phase.closing));
      // Only repeats of alerts already read: the inbox is empty now, the next read settles it.
      if (counted === 0) return go(next);
      if (next.status.round < next.input.settings.maxRounds)
        return go({
          ...next,
          status: withEvent(
            next.status,
            read.at,
            'reinvestigating',
            { stage: 'investigating', round: next.status.round + 1, deadline: undefined },
            'new evidence arrived',
          ),
          phase: { kind: 'reading', then: 'investigate' },
        });
      // Out of rounds with unexamined evidence: a human looks instead.
      return go(askAnalyst(next, read.at));
    }

    case 'investigating': {
      if (event.type === 'investigationFailed')
        return none(
          afterLastRead(state, 'close', {
            outcome: 'escalated_failure',
            detail: `investigation failed: ${event.error}`,
          }),
        );
      const { assessment, transcripts, at } = awaited(event, 'investigated', phase);
      const round = state.status.round;
      const next: CaseState = {
        ...state,
        priorRounds: [
          ...state.priorRounds,
          {
            round,
            riskScore: assessment.riskScore,
            level: assessment.level,
            reasoning: assessment.reasoning.slice(0, 1000),
          },
        ],
        status: withEvent(
          withAssessment(state.status, assessment),
          at,
          'assessed',
          {},
          `risk ${assessment.riskScore.toFixed(2)} (${assessment.level})`,
        ),
      };
      const effects: Effect[] = [{ kind: 'recordRound', input: { round, assessment, transcripts, at } }];
      // Degraded findings never auto-clear: without evidence, a human decides.
      if (needsReview(assessment, state.input.settings.riskThreshold))
        return { state: askAnalyst(next, at), effects };
      const detail = `risk ${assessment.riskScore.toFixed(2)} below ${state.input.settings.riskThreshold}`;
      return { state: afterLastRead(next, 'clear', { outcome: 'auto_cleared', detail }), effects };
    }

    case 'notifying': {
      const { error, at } = awaited(event, 'notified', phase);
      const status = error ? withEvent(state.status, at, 'notification_failed', {}, error) : state.status;
      return none({ ...state, status, phase: { kind: 'awaiting', deadline: phase.deadline } });
    }

    case 'awaiting':
      if (event.type === 'deadlinePassed')
        return none(
          afterLastRead(state, 'close', {
            outcome: 'escalated_timeout',
            detail: `no decision by ${phase.deadline}`,
          }),
        );
      return onDecision(state, awaited(event, 'decision', phase));

    case 'applying': {
      if (event.type === 'ledgerFailed')
        return none(
          closing(state, {
            outcome: 'escalated_failure',
            detail: `action ${phase.action} failed: ${event.error}`,
          }),
        );
      const { results, at } = awaited(event, 'ledgerApplied', phase);
      const result: ActionResult = {
        action: phase.action,
        idempotencyKey: phase.key,
        applied: results.some((r) => r.applied),
        at,
      };
      return none({
        ...state,
        phase: { kind: 'delivering', result, analyst: phase.analyst, ledger: results },
      });
    }

    case 'delivering': {
      const { error } = awaited(event, 'delivered', phase);
      const { action } = phase.result;
      // The ledger already holds the action: say so, rather than "nothing was done".
      return none(
        closing(
          state,
          error
            ? {
                outcome: 'escalated_failure',
                detail: `${action} applied in the ledger, but its delivery failed: ${error}`,
                action: phase.result,
              }
            : { outcome: 'action_executed', detail: `${action} by ${phase.analyst}`, action: phase.result },
        ),
      );
    }

    case 'releasing': {
      const { next, at } = awaited(event, 'released', phase);
      if (next) return none({ ...state, phase: { kind: 'handingOver', closing: phase.closing, next } });
      return none(finalize(state, phase.closing, at));
    }

    case 'handingOver': {
      const { error, at } = awaited(event, 'handedOver', phase);
      const { next } = phase;
      const count = 1 + (next.alerts?.length ?? 0);
      const status = withEvent(
        state.status,
        at,
        error ? 'handover_failed' : 'handed_over',
        {},
        `${count} alert(s) routed here after the case last read its evidence opened case ${next.caseId}` +
          (error ? ` (starting it failed: ${error}; the next alert for the customer starts it)` : ''),
      );
      return none(finalize({ ...state, status }, phase.closing, at));
    }

    case 'announcing': {
      const [notice, ...rest] = phase.notices;
      if (!notice) throw new UnexpectedEvent(event, phase);
      const { error, at } = awaited(event, 'notified', phase);
      const status = error
        ? withEvent(state.status, at, 'notification_failed', {}, `${notice}: ${error}`)
        : state.status;
      return none({ ...state, status, phase: rest.length ? { ...phase, notices: rest } : { kind: 'done' } });
    }

    case 'done':
      throw new UnexpectedEvent(event, phase);
  }
}

function onDecision(state: CaseState, event: { payload: unknown; at: string }): Step {
  const none = (next: CaseState): Step => ({ state: next, effects: [] });
  const { at } = event;
  const parsed = AnalystDecision.safeParse(event.payload);
  // A stale, repeated or malformed decision changes nothing: the wait goes on with the same deadline.
  if (!parsed.success)
    return none({
      ...state,
      status: withEvent(state.status, at, 'decision_ignored', {}, 'malformed decision event'),
    });
  const decision = parsed.data;
  const verdict = classifyDecision(decision, {
    awaitingRound: state.status.round,
    seenDecisionIds: state.seenDecisionIds,
  });
  const record: DecisionRecord = { ...decision, disposition: verdict === 'accept' ? 'accepted' : verdict };
  const seenDecisionIds = [...state.seenDecisionIds, decision.decisionId];
  if (record.disposition !== 'accepted')
    return none({
      ...state,
      seenDecisionIds,
      status: withEvent(
        withDecision(state.status, record),
        at,
        `decision_${record.disposition}`,
        {},
        describe(record),
      ),
    });

  const next: CaseState = { ...state, seenDecisionIds, status: withDecision(state.status, record) };
  const { round, maxRounds } = { round: state.status.round, maxRounds: state.input.settings.maxRounds };
  if (decision.decision === 'reject') {
    const text = decision.feedback ?? '';
    const effects: Effect[] = [
      {
        kind: 'addFeedback',
        input: {
          round: decision.round,
          feedback: text,
          at,
          ...(decision.analyst ? { analyst: decision.analyst } : {}),
        },
      },
    ];
    const withFeedback = { ...next, feedback: [...next.feedback, text] };
    // The reject is filed under the round it rejected, with its analyst, whatever follows.
    if (nextAfterReject(round, maxRounds) === 'escalate_max_rounds') {
      const rejected = withEvent(withFeedback.status, at, 'rejected', {}, text, decision.analyst);
      return {
        state: afterLastRead({ ...withFeedback, status: rejected }, 'close', {
          outcome: 'escalated_max_rounds',
          detail: `${maxRounds} rounds rejected`,
        }),
        effects,
      };
    }
    return {
      state: {
        ...withFeedback,
        status: withEvent(
          withFeedback.status,
          at,
          'rejected',
          { stage: 'investigating', round: round + 1, deadline: undefined },
          text,
          decision.analyst,
        ),
        phase: { kind: 'reading', then: 'investigate' },
      },
      effects,
    };
  }

  const action = decision.action ?? 'clear';
  if (action === 'clear')
    return none(
      afterLastRead(next, 'clear', {
        outcome: 'cleared_by_analyst',
        detail: `${decision.analyst} cleared the alert`,
      }),
    );
  return none({
    ...next,
    status: withEvent(
      next.status,
      at,
      'approved',
      { stage: 'executing', deadline: undefined },
      `${decision.analyst} approved ${action}`,
      decision.analyst,
    ),
    // Alerts that arrived during the wait are read before acting (a refund covers them too).
    phase: { kind: 'reading', then: 'act', action, analyst: decision.analyst },
  });
}
