import { z } from 'zod';
import { ApplyResult } from '../actions/ledger';
import { AttachRequest, ManualOpen, StartRequest } from '../cases/routing';
import { CaseInput, CaseStatus } from '../cases/types';
import { Alert, TelemetryEvent } from '../detection/schema';
import { SessionEntry } from '../investigation/session';
import { ActionName, Assessment, Findings, SpecialistName } from '../investigation/types';
import { Activities, Orchestrations } from '../names';
import { Outcome } from '../review/types';
import { defineActivity, defineOrchestration } from './typed';

/**
 * The contracts of the orchestrations and activities: what crosses each boundary, once. Handlers live in
 * src/functions/ (registerActivity), callers use call/activityTask (src/durable/typed.ts).
 */

// ── Orchestrations ──────────────────────────────────────────────────────────────────────────────────

export const IngestInput = z.object({
  customerId: z.string(),
  events: z.array(TelemetryEvent),
  receivedAt: z.string(),
});
export type IngestInput = z.infer<typeof IngestInput>;

/** What an ingest reports: the alerts it raised and the case each opened or joined. */
export const IngestOutput = z.object({
  alerts: z.array(
    z.object({ alertId: z.string(), rule: z.string(), severity: z.string(), customerId: z.string() }),
  ),
  caseId: z.string().optional(),
  attachedToCaseId: z.string().optional(),
});
export type IngestOutput = z.infer<typeof IngestOutput>;

export const orchestrations = {
  investigateCase: defineOrchestration({
    name: Orchestrations.investigateCase,
    input: CaseInput,
    output: CaseStatus,
  }),
  ingestTelemetry: defineOrchestration({
    name: Orchestrations.ingestTelemetry,
    input: IngestInput,
    output: IngestOutput,
  }),
  /** A manual open (POST /api/cases) decided by the profile like every other route. */
  openManualCase: defineOrchestration({
    name: Orchestrations.openManualCase,
    input: ManualOpen,
    output: z.object({
      caseId: z.string(),
      outcome: z.enum(['opened', 'refused']),
      openCaseId: z.string().optional(),
    }),
  }),
};

// ── The investigation ───────────────────────────────────────────────────────────────────────────────

export const PriorRound = z.object({
  round: z.number().int(),
  riskScore: z.number(),
  level: z.string(),
  reasoning: z.string(),
});
export type PriorRound = z.infer<typeof PriorRound>;

const investigateSpecialist = defineActivity({
  name: Activities.investigateSpecialist,
  input: z.object({
    caseId: z.string(),
    round: z.number().int().positive(),
    specialist: SpecialistName,
    alert: Alert,
    priorRounds: z.array(PriorRound),
    feedback: z.array(z.string()),
    newEvidence: z.array(Alert),
    /** The round's time (the orchestration's clock): the tools read the account as of it. */
    asOf: z.string().optional(),
  }),
  output: z.object({
    findings: Findings,
    /** Conversation entries for the caseSession entity. */
    transcript: z.array(SessionEntry),
  }),
});

const aggregateFindings = defineActivity({
  name: Activities.aggregateFindings,
  input: z.object({
    caseId: z.string(),
    round: z.number().int().positive(),
    findings: z.array(Findings),
    threshold: z.number().min(0).max(1),
    /** Every alert of the case so far, for the auto-clear policy (critical or corroborating rules). */
    alerts: z.array(Alert).optional(),
  }),
  output: Assessment,
});

// ── Messages to people ──────────────────────────────────────────────────────────────────────────────

export const CaseEvent = z.object({ caseId: z.string(), customerId: z.string(), status: CaseStatus });
export type CaseEvent = z.infer<typeof CaseEvent>;
const Announced = z.object({ delivered: z.boolean() });

export const Escalation = Outcome.extract(['escalated_timeout', 'escalated_max_rounds', 'escalated_failure']);
export type Escalation = z.infer<typeof Escalation>;

const notifyAnalyst = defineActivity({ name: Activities.notifyAnalyst, input: CaseEvent, output: Announced });
const autoClear = defineActivity({ name: Activities.autoClear, input: CaseEvent, output: Announced });
const sendNotification = defineActivity({
  name: Activities.sendNotification,
  input: CaseEvent,
  output: Announced,
});
const escalate = defineActivity({
  name: Activities.escalate,
  input: CaseEvent.extend({ reason: Escalation, detail: z.string() }),
  output: Announced,
});

// ── Acting ──────────────────────────────────────────────────────────────────────────────────────────

const executeAction = defineActivity({
  name: Activities.executeAction,
  input: z.object({
    caseId: z.string(),
    customerId: z.string(),
    round: z.number().int().positive(),
    action: ActionName,
    idempotencyKey: z.string(),
    analyst: z.string(),
    ledger: z.array(ApplyResult),
  }),
  output: z.object({ delivered: z.boolean(), applied: z.number().int() }),
});

// ── Routing ─────────────────────────────────────────────────────────────────────────────────────────

/** Carries out a routing decision of the customerProfile entity (JavaScript entities cannot start cases). */
const startCase = defineActivity({
  name: Activities.startCase,
  input: z.object({
    customerId: z.string(),
    startCase: StartRequest.optional(),
    attach: AttachRequest.optional(),
    /** A refused manual open: is that open case still running? */
    refused: z.object({ openCaseId: z.string() }).optional(),
  }),
  output: z.object({
    started: z.array(z.string()),
    /** The target case had already ended without releasing: the profile must reroute. */
    finishedCaseId: z.string().optional(),
  }),
});

export const activities = {
  investigateSpecialist,
  aggregateFindings,
  notifyAnalyst,
  autoClear,
  sendNotification,
  escalate,
  executeAction,
  startCase,
};
