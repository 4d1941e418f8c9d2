import type { InstanceLike } from '../../../src/api/cases';
import type { CaseInput, CaseStatus, DecisionRecord } from '../../../src/cases/types';

/** Small named builders for case instances as the durable client returns them. */
export const T0 = '2026-11-22T10:00:00.000Z';

export function caseInput(caseId = 'case-a1', customerId = 'C1'): CaseInput {
  return {
    schemaVersion: 1,
    caseId,
    customerId,
    alert: {
      alertId: 'a1',
      customerId,
      rule: 'large_transaction',
      severity: 'high',
      description: 'big spend',
      detectedAt: T0,
      events: [],
    },
    settings: { riskThreshold: 0.6, decisionTimeoutHours: 72, maxRounds: 3 },
    openedBy: 'detection',
  };
}

export function caseStatus(over: Partial<CaseStatus> = {}): CaseStatus {
  return {
    schemaVersion: 1,
    caseId: 'case-a1',
    customerId: 'C1',
    rule: 'large_transaction',
    stage: 'awaiting_decision',
    round: 1,
    openedAt: T0,
    deadline: '2026-11-25T10:00:00.000Z',
    risk: { score: 0.72, level: 'high', recommendedAction: 'lock_account', degraded: false },
    findings: [
      {
        specialist: 'usage',
        riskScore: 0.7,
        summary: 'spike',
        evidence: ['usage 9x baseline'],
        degraded: false,
      },
    ],
    decisions: [],
    timeline: [{ at: T0, stage: 'investigating', event: 'opened', round: 1 }],
    evidenceCount: 0,
    usage: { tokens: 1200, usd: 0.0012 },
    ...over,
  };
}

export function decision(over: Partial<DecisionRecord> = {}): DecisionRecord {
  return {
    decisionId: 'dec-1',
    round: 1,
    decision: 'approve',
    action: 'lock_account',
    analyst: 'ana',
    decidedAt: T0,
    disposition: 'accepted',
    ...over,
  };
}

export function running(status: CaseStatus | null, over: Partial<InstanceLike> = {}): InstanceLike {
  return {
    name: 'investigateCase',
    instanceId: status?.caseId ?? 'case-a1',
    createdTime: T0,
    lastUpdatedTime: '2026-11-22T10:05:00.000Z',
    input: caseInput(status?.caseId, status?.customerId),
    output: null,
    runtimeStatus: 'Running',
    customStatus: status,
    ...over,
  };
}

export function completed(status: CaseStatus, over: Partial<InstanceLike> = {}): InstanceLike {
  return running(null, {
    instanceId: status.caseId,
    runtimeStatus: 'Completed',
    output: status,
    customStatus: status,
    ...over,
  });
}
