import { z } from 'zod';
import type { Config } from '../config';
import { Alert } from '../detection/schema';
import { ActionName, RiskLevel, SpecialistName } from '../investigation/types';
import { Outcome, Stage } from '../review/types';

/** Review settings captured when a case starts, so a running case never sees a config change. */
export const CaseSettings = z.object({
  riskThreshold: z.number().min(0).max(1),
  decisionTimeoutHours: z.number().positive(),
  maxRounds: z.number().int().positive(),
});
export type CaseSettings = z.infer<typeof CaseSettings>;

export function caseSettingsFrom(
  cfg: Pick<Config, 'RISK_THRESHOLD' | 'DECISION_TIMEOUT_HOURS' | 'MAX_REVIEW_ROUNDS'>,
): CaseSettings {
  return {
    riskThreshold: cfg.RISK_THRESHOLD,
    decisionTimeoutHours: cfg.DECISION_TIMEOUT_HOURS,
    maxRounds: cfg.MAX_REVIEW_ROUNDS,
  };
}

/** Input of the investigateCase orchestration. Instance id = caseId. */
export const CaseInput = z.object({
  schemaVersion: z.literal(1),
  caseId: z.string(),
  customerId: z.string(),
  alert: Alert,
  settings: CaseSettings,
  openedBy: z.enum(['detection', 'manual']),
  openedByAnalyst: z.string().optional(),
});
export type CaseInput = z.infer<typeof CaseInput>;

export const TimelineEntry = z.object({
  at: z.string(),
  /** The stage after the event. */
  stage: Stage,
  event: z.string(),
  /** The round the event happened in (a reject ends its round; the next round's entries follow). */
  round: z.number().int(),
  detail: z.string().optional(),
  /** Who decided, for decision events. */
  analyst: z.string().optional(),
});
export type TimelineEntry = z.infer<typeof TimelineEntry>;

export const DecisionRecord = z.object({
  decisionId: z.string(),
  round: z.number().int(),
  decision: z.enum(['approve', 'reject']),
  action: ActionName.optional(),
  feedback: z.string().optional(),
  analyst: z.string(),
  decidedAt: z.string(),
  /** accepted decisions drive the case; stale/duplicate ones are logged and change nothing. */
  disposition: z.enum(['accepted', 'stale', 'duplicate']),
});
export type DecisionRecord = z.infer<typeof DecisionRecord>;

export const RiskSummary = z.object({
  score: z.number(),
  level: RiskLevel,
  recommendedAction: ActionName,
  degraded: z.boolean(),
});
export type RiskSummary = z.infer<typeof RiskSummary>;

export const FindingSummary = z.object({
  specialist: SpecialistName,
  riskScore: z.number(),
  summary: z.string(),
  /** The specialist's strongest evidence lines (bounded: this travels in the custom status). */
  evidence: z.array(z.string()),
  degraded: z.boolean(),
});
export type FindingSummary = z.infer<typeof FindingSummary>;

export const ActionResult = z.object({
  action: ActionName,
  idempotencyKey: z.string(),
  applied: z.boolean(),
  at: z.string(),
});
export type ActionResult = z.infer<typeof ActionResult>;

export const CaseUsage = z.object({ tokens: z.number(), usd: z.number() });

/**
 * The orchestration's custom status while it runs, and (with an outcome) its output when it ends:
 * everything the API and the console show without reading the session entity. Kept small (<64 KB).
 */
export const CaseStatus = z.object({
  schemaVersion: z.literal(1),
  caseId: z.string(),
  customerId: z.string(),
  rule: z.string(),
  stage: Stage,
  round: z.number().int(),
  openedAt: z.string(),
  deadline: z.string().optional(),
  risk: RiskSummary.optional(),
  findings: z.array(FindingSummary),
  decisions: z.array(DecisionRecord),
  timeline: z.array(TimelineEntry),
  evidenceCount: z.number().int(),
  usage: CaseUsage,
  outcome: Outcome.optional(),
  action: ActionResult.optional(),
});
export type CaseStatus = z.infer<typeof CaseStatus>;

/** A case's instance id: deterministic from the alert that opened it, so a replayed ingest reuses it. */
export function caseIdFor(alertId: string): string {
  return `case-${alertId}`.replace(/[^A-Za-z0-9_.:-]/g, '-').slice(0, 100);
}
