import type { CaseInput, CaseStatus } from '../cases/types';
import type { Stage } from '../review/types';
import type { CaseRecord, CaseSummaryRecord } from './types';

/**
 * Pure builders of case records. A record's version orders the writes of one case: the stage within a
 * round, rounds in order, closed last; then the orchestration time of its last timeline entry and the
 * number of entries. Writes arrive from at-least-once activities in any order after a crash; the store
 * keeps the highest version, so a late retry of "awaiting decision" never reopens a closed case.
 */
const STAGE_RANK: Record<Stage, number> = { investigating: 1, awaiting_decision: 2, executing: 3, closed: 9 };
const CLOSED_MAJOR = 9_999_999;

export function recordVersion(stage: Stage, round: number, at: string, entries: number): string {
  const major = stage === 'closed' ? CLOSED_MAJOR : round * 10 + STAGE_RANK[stage];
  return `${String(major).padStart(7, '0')}|${at}|${String(entries).padStart(5, '0')}`;
}

export function summaryOf(record: CaseRecord): CaseSummaryRecord {
  return {
    caseId: record.caseId,
    customerId: record.customerId,
    rule: record.rule,
    stage: record.stage,
    ...(record.outcome ? { outcome: record.outcome } : {}),
    round: record.round,
    ...(record.risk ? { risk: record.risk } : {}),
    ...(record.deadline ? { deadline: record.deadline } : {}),
    openedAt: record.openedAt,
    lastUpdatedAt: record.lastUpdatedAt,
    runtimeStatus: record.runtimeStatus,
    usage: record.usage,
  };
}

/** The record of a case status published by the orchestration (custom status or output). */
export function recordFromStatus(status: CaseStatus, runtimeStatus: string): CaseRecord {
  const last = status.timeline.at(-1)?.at ?? status.openedAt;
  return {
    schemaVersion: 1,
    caseId: status.caseId,
    customerId: status.customerId,
    rule: status.rule,
    stage: status.stage,
    ...(status.outcome ? { outcome: status.outcome } : {}),
    round: status.round,
    ...(status.risk ? { risk: status.risk } : {}),
    ...(status.deadline && status.stage === 'awaiting_decision' ? { deadline: status.deadline } : {}),
    openedAt: status.openedAt,
    lastUpdatedAt: last,
    runtimeStatus,
    usage: status.usage,
    version: recordVersion(status.stage, status.round, last, status.timeline.length),
    status,
  };
}

/** The first record of a case, written when it is started (before the orchestration has run). */
export function openedRecord(input: CaseInput, at: string): CaseRecord {
  return {
    schemaVersion: 1,
    caseId: input.caseId,
    customerId: input.customerId,
    rule: input.alert.rule,
    stage: 'investigating',
    round: 1,
    openedAt: at,
    lastUpdatedAt: at,
    runtimeStatus: 'Running',
    usage: { tokens: 0, usd: 0 },
    version: recordVersion('investigating', 1, at, 0),
  };
}

export interface Advance {
  caseId: string;
  customerId: string;
  rule: string;
  stage: Extract<Stage, 'investigating' | 'executing'>;
  round: number;
  at: string;
}

/**
 * A case moved on between its published snapshots (a round started, an approved action is executing):
 * the stored record with the new stage and round, or a first record when none exists yet.
 */
export function advancedRecord(stored: CaseRecord | undefined, a: Advance): CaseRecord {
  const version = recordVersion(a.stage, a.round, a.at, 0);
  if (!stored)
    return {
      schemaVersion: 1,
      caseId: a.caseId,
      customerId: a.customerId,
      rule: a.rule,
      stage: a.stage,
      round: a.round,
      openedAt: a.at,
      lastUpdatedAt: a.at,
      runtimeStatus: 'Running',
      usage: { tokens: 0, usd: 0 },
      version,
    };
  const { deadline: _deadline, ...rest } = stored;
  return {
    ...rest,
    stage: a.stage,
    round: a.round,
    lastUpdatedAt: a.at,
    version,
    ...(stored.status
      ? { status: { ...stored.status, stage: a.stage, round: a.round, deadline: undefined } }
      : {}),
  };
}

/** Lower-case search keys: a customer id, and a case id with and without its `case-` prefix. */
export function searchKeys(caseId: string, customerId: string): { customer: string; caseKey: string } {
  return { customer: customerId.toLowerCase(), caseKey: caseId.toLowerCase().replace(/^case-/, '') };
}

export function normalizeSearch(q: string): string {
  return q
    .trim()
    .toLowerCase()
    .replace(/^case-/, '');
}
