import type { CaseInput, CaseStatus, DecisionRecord, FindingSummary, TimelineEntry } from '../cases/types';
import { migrateSession, type CaseSession, type RoundSummary } from '../investigation/session';
import type { InstanceLike } from '../durable/client';
import { isFailed } from '../durable/status';
import { Orchestrations } from '../names';
import type { CaseAudit, CaseRecord, CaseSummaryRecord } from '../records/types';

/**
 * Pure mapping from what the durable client returns (instance status + caseSession entity state) to
 * what the API answers. The orchestration's custom status (running) or output (finished) is the
 * CaseStatus; a failed or terminated instance has neither, so its view is rebuilt from its input.
 */

/** A row of the case list; the same shape whether read from an instance or from the case-record store. */
export type CaseSummary = CaseSummaryRecord;

export interface CaseDetail extends CaseSummary {
  alert?: unknown;
  /** The latest round's assessment: risk, level, recommended action, findings, reasoning. */
  assessment?: unknown;
  findings: FindingSummary[];
  rounds: RoundSummary[];
  evidence: unknown[];
  conversation: unknown[];
  droppedConversationEntries: number;
  feedback: unknown[];
  evidenceCount: number;
  decisions: DecisionRecord[];
  timeline: TimelineEntry[];
  action?: CaseStatus['action'];
  error?: string;
  dashboardUrl?: string;
  /** Rounds the case may take (its settings); rejecting the last one escalates instead of re-investigating. */
  maxRounds?: number;
  /** Decisions with analysts, ledger entries with idempotency keys, webhook deliveries and their state. */
  audit?: CaseAudit;
  /** `instance`: read live from the orchestration; `record`: from the case record (the instance was purged). */
  source: 'instance' | 'record';
}

const iso = (d: Date | string): string => (d instanceof Date ? d.toISOString() : new Date(d).toISOString());

function isCaseStatus(v: unknown): v is CaseStatus {
  const s = v as Partial<CaseStatus> | null;
  return (
    !!s &&
    typeof s === 'object' &&
    typeof s.caseId === 'string' &&
    typeof s.stage === 'string' &&
    typeof s.round === 'number'
  );
}

function inputOf(instance: InstanceLike): Partial<CaseInput> {
  const i = instance.input;
  if (typeof i === 'string') {
    try {
      return JSON.parse(i) as Partial<CaseInput>;
    } catch {
      return {};
    }
  }
  return i && typeof i === 'object' ? (i as Partial<CaseInput>) : {};
}

export function isCaseInstance(instance: InstanceLike): boolean {
  return instance.name === Orchestrations.investigateCase;
}

/** The CaseStatus of an instance; failed/terminated/not-yet-started ones get one derived from the input. */
export type { InstanceLike };

export function caseStatusOf(instance: InstanceLike): { status: CaseStatus; error?: string } {
  const published = isCaseStatus(instance.output)
    ? instance.output
    : isCaseStatus(instance.customStatus)
      ? instance.customStatus
      : undefined;
  const input = inputOf(instance);
  const base: CaseStatus = published ?? {
    schemaVersion: 1,
    caseId: instance.instanceId,
    customerId: input.customerId ?? input.alert?.customerId ?? 'unknown',
    rule: input.alert?.rule ?? 'unknown',
    stage: 'investigating',
    round: 1,
    openedAt: iso(instance.createdTime),
    findings: [],
    decisions: [],
    timeline: [],
    evidenceCount: 0,
    usage: { tokens: 0, usd: 0 },
  };
  if (!isFailed(instance.runtimeStatus)) return { status: base };
  const error = errorText(instance);
  const failedAt = iso(instance.lastUpdatedTime);
  return {
    status: {
      ...base,
      stage: 'closed',
      outcome: 'escalated_failure',
      deadline: undefined,
      timeline: [
        ...base.timeline,
        {
          at: failedAt,
          stage: 'closed',
          event: instance.runtimeStatus.toLowerCase(),
          round: base.round,
          detail: error,
        },
      ],
    },
    error,
  };
}

function errorText(instance: InstanceLike): string {
  const o = instance.output;
  const text =
    typeof o === 'string'
      ? o
      : o === undefined || o === null
        ? `instance ${instance.runtimeStatus.toLowerCase()}`
        : JSON.stringify(o);
  return text.slice(0, 2000);
}

export function caseSummary(instance: InstanceLike): CaseSummary {
  const { status } = caseStatusOf(instance);
  return {
    caseId: instance.instanceId,
    customerId: status.customerId,
    rule: status.rule,
    stage: status.stage,
    ...(status.outcome ? { outcome: status.outcome } : {}),
    round: status.round,
    ...(status.risk ? { risk: status.risk } : {}),
    ...(status.deadline && status.stage === 'awaiting_decision' ? { deadline: status.deadline } : {}),
    openedAt: status.openedAt,
    lastUpdatedAt: iso(instance.lastUpdatedTime),
    runtimeStatus: instance.runtimeStatus,
    usage: status.usage,
  };
}

/** Session entity state → the parts the case view shows. The entity may not exist yet (or be unreadable). */
export interface SessionParts {
  alert?: unknown;
  rounds: RoundSummary[];
  evidence: unknown[];
  conversation: unknown[];
  feedback: unknown[];
  droppedEntries: number;
}

export function sessionParts(state: unknown): SessionParts {
  const empty: SessionParts = { rounds: [], evidence: [], conversation: [], feedback: [], droppedEntries: 0 };
  if (state === undefined || state === null) return empty;
  let s: CaseSession;
  try {
    s = migrateSession(state);
  } catch {
    return empty; // an unknown future version: show the status-only view rather than fail the request
  }
  return {
    alert: s.alert,
    rounds: s.rounds,
    evidence: s.evidence,
    conversation: s.entries,
    feedback: s.feedback,
    droppedEntries: s.droppedEntries,
  };
}

export function caseDetail(
  instance: InstanceLike,
  sessionState: unknown,
  dashboardUrl: string | undefined,
  audit?: CaseAudit,
): CaseDetail {
  const { status, error } = caseStatusOf(instance);
  const input = inputOf(instance);
  return detailOf(caseSummary(instance), status, sessionParts(sessionState), {
    source: 'instance',
    alert: input.alert,
    maxRounds: input.settings?.maxRounds,
    error,
    dashboardUrl,
    audit,
  });
}

/** A case whose instance is gone (purged after its retention period): its record is the view. */
export function caseDetailFromRecord(
  record: CaseRecord,
  sessionState: unknown,
  audit?: CaseAudit,
): CaseDetail {
  const status: CaseStatus = record.status ?? {
    schemaVersion: 1,
    caseId: record.caseId,
    customerId: record.customerId,
    rule: record.rule,
    stage: record.stage,
    round: record.round,
    openedAt: record.openedAt,
    findings: [],
    decisions: [],
    timeline: [],
    evidenceCount: 0,
    usage: record.usage,
  };
  const { status: _full, version: _version, schemaVersion: _schema, ...summary } = record;
  return detailOf(summary, status, sessionParts(sessionState), { source: 'record', audit });
}

interface DetailExtras {
  source: CaseDetail['source'];
  alert?: unknown;
  maxRounds?: number | undefined;
  error?: string | undefined;
  dashboardUrl?: string | undefined;
  audit?: CaseAudit | undefined;
}

function detailOf(
  summary: CaseSummary,
  status: CaseStatus,
  session: SessionParts,
  x: DetailExtras,
): CaseDetail {
  // The session is written by signals and can lag the status by a moment: use it only for the same round.
  const latest = session.rounds.find((r) => r.round === status.round);
  // Same shape either way: the session's round summary, or one rebuilt from the status (no reasoning).
  const assessment =
    latest ??
    (status.risk
      ? {
          round: status.round,
          riskScore: status.risk.score,
          level: status.risk.level,
          recommendedAction: status.risk.recommendedAction,
          degraded: status.risk.degraded,
          findings: status.findings,
        }
      : undefined);
  const alert = session.alert ?? x.alert;
  return {
    ...summary,
    ...(alert !== undefined ? { alert } : {}),
    ...(assessment !== undefined ? { assessment } : {}),
    findings: status.findings,
    rounds: session.rounds,
    evidence: session.evidence,
    conversation: session.conversation,
    droppedConversationEntries: session.droppedEntries,
    feedback: session.feedback,
    decisions: status.decisions,
    timeline: status.timeline,
    // The session is the case's evidence inbox: alerts appear there before the case next reads it.
    evidenceCount: Math.max(status.evidenceCount, session.evidence.length),
    ...(status.action ? { action: status.action } : {}),
    ...(x.error !== undefined ? { error: x.error } : {}),
    ...(x.dashboardUrl ? { dashboardUrl: x.dashboardUrl } : {}),
    ...(x.maxRounds !== undefined ? { maxRounds: x.maxRounds } : {}),
    ...(x.audit ? { audit: x.audit } : {}),
    source: x.source,
  };
}
