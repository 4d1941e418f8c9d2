import type { Assessment, Findings } from '../investigation/types';
import type { Outcome, Stage } from '../review/types';
import type {
  ActionResult,
  CaseInput,
  CaseStatus,
  DecisionRecord,
  FindingSummary,
  TimelineEntry,
} from './types';

/**
 * Pure transitions of CaseStatus. The orchestrator owns the only copy and publishes it as its custom
 * status, so these must stay deterministic: time always comes in as an argument.
 */
const MAX_TIMELINE = 100;
const MAX_DECISIONS = 50;
const MAX_SUMMARY = 600;
const MAX_EVIDENCE = 5;
const MAX_EVIDENCE_CHARS = 240;

export function initialStatus(input: CaseInput, at: string): CaseStatus {
  return {
    schemaVersion: 1,
    caseId: input.caseId,
    customerId: input.customerId,
    rule: input.alert.rule,
    stage: 'investigating',
    round: 1,
    openedAt: at,
    findings: [],
    decisions: [],
    timeline: [
      {
        at,
        stage: 'investigating',
        event: 'opened',
        round: 1,
        detail: input.alert.description.slice(0, MAX_SUMMARY),
      },
    ],
    evidenceCount: 0,
    usage: { tokens: 0, usd: 0 },
  };
}

export function withEvent(
  status: CaseStatus,
  at: string,
  event: string,
  changes: Partial<Pick<CaseStatus, 'stage' | 'round' | 'deadline' | 'outcome' | 'action'>> = {},
  detail?: string,
  analyst?: string,
): CaseStatus {
  const next = { ...status, ...changes };
  const entry: TimelineEntry = {
    at,
    stage: next.stage,
    event,
    round: status.round,
    ...(detail ? { detail: detail.slice(0, MAX_SUMMARY) } : {}),
    ...(analyst ? { analyst } : {}),
  };
  next.timeline = [...status.timeline, entry].slice(-MAX_TIMELINE);
  return next;
}

export function withAssessment(status: CaseStatus, assessment: Assessment): CaseStatus {
  const findings: FindingSummary[] = assessment.findings.map((f: Findings) => ({
    specialist: f.specialist,
    riskScore: f.riskScore,
    summary: f.summary.slice(0, MAX_SUMMARY),
    evidence: f.evidence.slice(0, MAX_EVIDENCE).map((e) => e.slice(0, MAX_EVIDENCE_CHARS)),
    degraded: f.degraded,
  }));
  return {
    ...status,
    findings,
    risk: {
      score: assessment.riskScore,
      level: assessment.level,
      recommendedAction: assessment.recommendedAction,
      degraded: assessment.degraded,
    },
    usage: {
      tokens: status.usage.tokens + assessment.usage.totalTokens,
      usd: roundUsd(status.usage.usd + assessment.usage.usd),
    },
  };
}

export function withDecision(status: CaseStatus, record: DecisionRecord): CaseStatus {
  return { ...status, decisions: [...status.decisions, record].slice(-MAX_DECISIONS) };
}

export function withEvidence(status: CaseStatus, count: number): CaseStatus {
  return { ...status, evidenceCount: status.evidenceCount + count };
}

export function closed(
  status: CaseStatus,
  at: string,
  outcome: Outcome,
  detail?: string,
  action?: ActionResult,
): CaseStatus {
  const stage: Stage = 'closed';
  return withEvent(
    status,
    at,
    outcome,
    { stage, outcome, deadline: undefined, ...(action ? { action } : {}) },
    detail,
  );
}

function roundUsd(usd: number): number {
  return Math.round(usd * 1e6) / 1e6;
}
