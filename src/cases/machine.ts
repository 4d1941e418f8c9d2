import type { ApplyRequest, ApplyResult } from '../actions/ledger';
import type { Alert } from '../detection/schema';
import type { SessionEntry } from '../investigation/session';
import type { ActionName, Assessment } from '../investigation/types';
import type { Outcome } from '../review/types';
import type { FinalTake, StartRoute } from './routing';
import type { ActionResult, CaseInput, CaseStatus } from './types';

/**
 * The vocabulary of the case reducer (src/cases/reducer.ts): its state, the events it is fed, the
 * effects it asks for on the way and the commands it waits on.
 */
/** Alerts kept in full for the specialists' prompts and the refund amount (the newest tell the story). */
export const MAX_EVIDENCE = 25;
/** Alert ids remembered to recognise a repeated delivery. */
export const MAX_SEEN_EVIDENCE = 500;

export type Escalation = Extract<Outcome, 'escalated_timeout' | 'escalated_max_rounds' | 'escalated_failure'>;
export type Notice = 'autoClear' | 'escalate' | 'sendNotification';

export interface PriorRound {
  round: number;
  riskScore: number;
  level: string;
  reasoning: string;
}

/** How the case ends, decided before the routing is released and the outcome becomes final. */
export interface Closing {
  outcome: Outcome;
  detail: string;
  action?: ActionResult;
}

/**
 * What the case waits for: exactly one thing at a time. Every outcome is preceded by a read of the inbox
 * that the profile marks final (src/cases/routing.ts): `act` and `close` always end the reading; `clear`
 * (auto or by the analyst) ends it only when nothing new was waiting — else the case looks again.
 */
export type Phase =
  | { kind: 'reading'; then: 'investigate' }
  | { kind: 'reading'; then: 'clear' | 'close'; closing: Closing }
  | { kind: 'reading'; then: 'act'; action: ActionName; analyst: string }
  | { kind: 'investigating' }
  | { kind: 'notifying'; deadline: string }
  | { kind: 'awaiting'; deadline: string }
  | { kind: 'applying'; action: ActionName; analyst: string; key: string; requests: ApplyRequest[] }
  | { kind: 'delivering'; result: ActionResult; analyst: string; ledger: ApplyResult[] }
  | { kind: 'releasing'; closing: Closing }
  | { kind: 'handingOver'; closing: Closing; next: StartRoute }
  | { kind: 'announcing'; closing: Closing; notices: Notice[] }
  | { kind: 'done' };

export interface CaseState {
  input: CaseInput;
  status: CaseStatus;
  phase: Phase;
  feedback: string[];
  evidence: Alert[];
  priorRounds: PriorRound[];
  seenDecisionIds: string[];
  seenEvidenceIds: string[];
}

/** Results of commands, fed back in the order they happened; `at` is the orchestration's clock. */
export type CaseEvent = { at: string } & (
  | { type: 'evidence'; alerts: Alert[]; dropped?: number; final?: boolean }
  | { type: 'investigated'; assessment: Assessment; transcripts: SessionEntry[][] }
  | { type: 'investigationFailed'; error: string }
  | { type: 'notified'; error?: string }
  | { type: 'decision'; payload: unknown }
  | { type: 'deadlinePassed' }
  | { type: 'ledgerApplied'; results: ApplyResult[] }
  | { type: 'ledgerFailed'; error: string }
  | { type: 'delivered'; error?: string }
  | { type: 'released'; next?: StartRoute }
  | { type: 'handedOver'; error?: string }
);

/** Fire-and-forget writes to the case's conversation (the caseSession entity). */
export type Effect =
  | { kind: 'openSession'; input: { caseId: string; alert: Alert; openedAt: string } }
  | {
      kind: 'recordRound';
      input: { round: number; assessment: Assessment; transcripts: SessionEntry[][]; at: string };
    }
  | { kind: 'addFeedback'; input: { round: number; feedback: string; analyst?: string; at: string } }
  /** What the case read from its inbox: its session shows exactly the evidence the case weighed. */
  | { kind: 'addEvidence'; input: { alerts: Alert[]; round: number; at: string } };

export type Command =
  | { kind: 'readEvidence'; final?: FinalTake }
  | {
      kind: 'investigate';
      round: number;
      alert: Alert;
      priorRounds: PriorRound[];
      feedback: string[];
      newEvidence: Alert[];
      threshold: number;
    }
  | { kind: 'notifyAnalyst'; status: CaseStatus }
  | { kind: 'awaitDecision'; deadline: string }
  | { kind: 'applyLedger'; requests: ApplyRequest[] }
  | {
      kind: 'deliverAction';
      input: {
        round: number;
        action: ActionName;
        idempotencyKey: string;
        analyst: string;
        ledger: ApplyResult[];
      };
    }
  | { kind: 'release' }
  | { kind: 'handOver'; next: StartRoute }
  | {
      kind: 'notify';
      notice: Notice;
      status: CaseStatus;
      escalation?: { reason: Escalation; detail: string };
    }
  | { kind: 'complete'; output: CaseStatus };

export interface Step {
  state: CaseState;
  effects: Effect[];
}
