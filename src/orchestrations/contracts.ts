import type { ApplyRequest, ApplyResult } from '../actions/ledger';
import type { Alert } from '../detection/schema';
import type { ActionName, Assessment, Findings, SpecialistName } from '../investigation/types';
import type { Outcome } from '../review/types';
import type { CaseStatus } from '../cases/types';

/** Payloads that cross the orchestrator ↔ activity/entity boundary (types only: orchestrators import no code). */

export interface PriorRound {
  round: number;
  riskScore: number;
  level: string;
  reasoning: string;
}

export interface SpecialistActivityInput {
  caseId: string;
  round: number;
  specialist: SpecialistName;
  alert: Alert;
  priorRounds: PriorRound[];
  feedback: string[];
  newEvidence: Alert[];
}

export interface SpecialistActivityOutput {
  findings: Findings;
  /** Conversation entries for the caseSession entity (shape owned by investigation/session.ts). */
  transcript: unknown[];
}

export interface AggregateActivityInput {
  caseId: string;
  round: number;
  findings: Findings[];
  threshold: number;
}

export interface CaseEventInput {
  caseId: string;
  customerId: string;
  status: CaseStatus;
}

export interface ExecuteActionInput {
  caseId: string;
  customerId: string;
  round: number;
  action: ActionName;
  idempotencyKey: string;
  analyst: string;
  ledger: ApplyResult[];
}

export interface EscalateInput extends CaseEventInput {
  reason: Extract<Outcome, 'escalated_timeout' | 'escalated_max_rounds' | 'escalated_failure'>;
  detail: string;
}

export type { ApplyRequest, ApplyResult, Assessment };

/** Input and output of the ingestTelemetry orchestration (one per customer and batch). */
export interface IngestInput {
  customerId: string;
  events: unknown[];
  receivedAt: string;
}

export interface IngestOutput {
  alerts: Array<{ alertId: string; rule: string; severity: string; customerId: string }>;
  caseId?: string;
  attachedToCaseId?: string;
}

/** What the customerProfile entity's `ingest` operation answers. */
export interface ProfileIngestResult {
  alerts: Alert[];
  /** A case the caller must start: the profile has already recorded it as the open case. */
  startCase?: { caseId: string; alert: Alert };
  /** Alerts that join the customer's open case as new evidence (with the alert that opened it). */
  attach?: AttachRequest;
}

export interface AttachRequest {
  caseId: string;
  alerts: Alert[];
  opener?: Alert;
}

export interface StartCaseOutput {
  started: string[];
  /** The open case had already finished: the profile must route these alerts again. */
  closedCase?: { caseId: string; alerts: Alert[] };
}

/** Input of the customerProfile `reroute` operation. */
export interface RerouteInput {
  closedCaseId: string;
  alerts: Alert[];
}

export interface StartCaseInput {
  customerId: string;
  startCase?: { caseId: string; alert: Alert };
  attach?: AttachRequest;
}
