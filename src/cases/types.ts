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

export interface TimelineEntry {
  at: string;
  stage: Stage;
  event: string;
  round: number;
  detail?: string;
}

export interface DecisionRecord {
  decisionId: string;
  round: number;
  decision: 'approve' | 'reject';
  action?: ActionName;
  feedback?: string;
  analyst: string;
  decidedAt: string;
  /** accepted decisions drive the case; stale/duplicate ones are logged and change nothing. */
  disposition: 'accepted' | 'stale' | 'duplicate';
}

export interface RiskSummary {
  score: number;
  level: RiskLevel;
  recommendedAction: ActionName;
  degraded: boolean;
}

export interface FindingSummary {
  specialist: SpecialistName;
  riskScore: number;
  summary: string;
  /** The specialist's strongest evidence lines (bounded: this travels in the custom status). */
  evidence: string[];
  degraded: boolean;
}

export interface ActionResult {
  action: ActionName;
  idempotencyKey: string;
  applied: boolean;
  at: string;
}

/**
 * The orchestration's custom status while it runs, and (with an outcome) its output when it ends:
 * everything the API and the console show without reading the session entity. Kept small (<64 KB).
 */
export interface CaseStatus {
  schemaVersion: 1;
  caseId: string;
  customerId: string;
  rule: string;
  stage: Stage;
  round: number;
  openedAt: string;
  deadline?: string;
  risk?: RiskSummary;
  findings: FindingSummary[];
  decisions: DecisionRecord[];
  timeline: TimelineEntry[];
  evidenceCount: number;
  usage: { tokens: number; usd: number };
  outcome?: Outcome;
  action?: ActionResult;
}

/** A case's instance id: deterministic from the alert that opened it, so a replayed ingest reuses it. */
export function caseIdFor(alertId: string): string {
  return `case-${alertId}`.replace(/[^A-Za-z0-9_.:-]/g, '-').slice(0, 100);
}
