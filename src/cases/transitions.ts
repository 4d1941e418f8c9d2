import { ledgerActionsFor, type ApplyRequest } from '../actions/ledger';
import type { Alert } from '../detection/schema';
import type { ActionName } from '../investigation/types';
import { actionIdempotencyKey, deadlineFor } from '../review/policy';
import type { Outcome } from '../review/types';
import {
  MAX_EVIDENCE,
  MAX_SEEN_EVIDENCE,
  type CaseEvent,
  type CaseState,
  type Closing,
  type Escalation,
  type Notice,
  type Phase,
} from './machine';
import { closed, withEvent, withEvidence } from './status';
import type { DecisionRecord } from './types';

/** Transitions the case reducer (src/cases/reducer.ts) takes from several phases. Pure. */

export function askAnalyst(state: CaseState, at: string): CaseState {
  const deadline = deadlineFor(at, state.input.settings.decisionTimeoutHours);
  return {
    ...state,
    status: withEvent(state.status, at, 'awaiting_decision', { stage: 'awaiting_decision', deadline }),
    phase: { kind: 'notifying', deadline },
  };
}

export function applyAction(state: CaseState, action: ActionName, analyst: string, at: string): CaseState {
  const { caseId } = state.input;
  const round = state.status.round;
  const key = actionIdempotencyKey(caseId, round, action);
  const requests: ApplyRequest[] = ledgerActionsFor(action).map((ledgerAction) => ({
    idempotencyKey: `${key}:${ledgerAction}`,
    action: ledgerAction,
    reason: `case ${caseId} round ${round}, approved by ${analyst}`,
    caseId,
    round,
    analyst,
    ...(ledgerAction === 'refund_charges'
      ? { amount: flaggedAmount([state.input.alert, ...state.evidence]) }
      : {}),
    at,
  }));
  return { ...state, phase: { kind: 'applying', action, analyst, key, requests } };
}

/**
 * The outcome is decided, pending a last look at the inbox (the profile marks that read final): `close`
 * ends with this outcome whatever arrived, taking it along; `clear` only if nothing new had arrived.
 */
export function afterLastRead(state: CaseState, then: 'clear' | 'close', decided: Closing): CaseState {
  return { ...state, phase: { kind: 'reading', then, closing: decided } };
}

/** The outcome is decided and the inbox read for the last time: the case releases the customer's routing. */
export function closing(state: CaseState, decided: Closing): CaseState {
  return { ...state, phase: { kind: 'releasing', closing: decided } };
}

export function finalize(state: CaseState, decided: Closing, at: string): CaseState {
  const { outcome, detail, action } = decided;
  const notices: Notice[] = [
    ...(isEscalation(outcome) ? (['escalate'] as const) : []),
    ...(outcome === 'auto_cleared' ? (['autoClear'] as const) : []),
    'sendNotification',
  ];
  return {
    ...state,
    status: closed(state.status, at, outcome, detail, action),
    phase: { kind: 'announcing', closing: decided, notices },
  };
}

/**
 * New alerts join the case's evidence once each (deliveries repeat; the opening alert is not evidence).
 * `dropped` counts alerts a flood pushed out of the inbox before the case read it: they count, unseen.
 */
export function withFreshEvidence(
  state: CaseState,
  alerts: readonly Alert[],
  dropped: number,
  at: string,
): { state: CaseState; fresh: Alert[] } {
  const fresh: Alert[] = [];
  for (const a of alerts)
    if (
      a.alertId !== state.input.alert.alertId &&
      !state.seenEvidenceIds.includes(a.alertId) &&
      !fresh.some((f) => f.alertId === a.alertId)
    )
      fresh.push(a);
  if (fresh.length === 0 && dropped === 0) return { state, fresh };
  const rules = fresh.map((a) => a.rule).join(', ');
  const more = dropped > 0 ? ` (and ${dropped} more not kept: the inbox was full)` : '';
  const next: CaseState = {
    ...state,
    seenEvidenceIds: [...state.seenEvidenceIds, ...fresh.map((a) => a.alertId)].slice(-MAX_SEEN_EVIDENCE),
    evidence: [...state.evidence, ...fresh].slice(-MAX_EVIDENCE),
    status: withEvent(
      withEvidence(state.status, fresh.length + dropped),
      at,
      'evidence_added',
      {},
      `${fresh.length + dropped} new alert(s): ${rules}${more}`,
    ),
  };
  return { state: next, fresh };
}

export function isEscalation(outcome: Outcome): outcome is Escalation {
  return outcome.startsWith('escalated_');
}

/** What a refund returns: the flagged transactions of the case. */
function flaggedAmount(alerts: readonly Alert[]): number {
  let total = 0;
  for (const a of alerts) for (const e of a.events) if (e.type === 'transaction') total += e.amount;
  return Math.round(total * 100) / 100;
}

export function describe(d: DecisionRecord): string {
  return `${d.analyst}: ${d.decision}${d.action ? ` ${d.action}` : ''} for round ${d.round} (${d.disposition})`;
}

/** An event the current phase does not wait for: a bug in the orchestrator, never a user's doing. */
export class UnexpectedEvent extends Error {
  constructor(event: CaseEvent, phase: Phase) {
    super(`case reducer: event '${event.type}' while ${phase.kind}`);
  }
}

export function awaited<T extends CaseEvent['type']>(
  event: CaseEvent,
  type: T,
  phase: Phase,
): Extract<CaseEvent, { type: T }> {
  if (event.type !== type) throw new UnexpectedEvent(event, phase);
  return event as Extract<CaseEvent, { type: T }>; // narrowed by the check above
}
