import { recordFromStatus } from '../records/record';
import type { CaseRecord, CaseRecordStore } from '../records/types';
import {
  caseDetail,
  caseDetailFromRecord,
  caseStatusOf,
  isCaseInstance,
  type CaseDetail,
  type InstanceLike,
} from './cases';
import type { CaseStatus } from '../cases/types';
import type { AnalystDecision } from '../review/types';
import { decide, instanceState, parseDecisionRequest, type InstanceState } from './decision';
import { conflict, notFound } from './errors';
import type { AnalystIdentity } from './principal';
import { isValidInstanceId } from './ids';

/**
 * GET /api/cases/{caseId} (and the MCP read tool): the live instance when it exists, else the case
 * record (the scheduler purges finished instances after its retention period; records stay for years).
 * Either way with the case's audit from the record store.
 */
export interface CaseSources {
  /** The orchestration instance, or undefined when unknown (never started, or purged). */
  instance(caseId: string): Promise<InstanceLike | undefined>;
  /** The caseSession entity's state (undefined when absent). */
  session(caseId: string): Promise<unknown>;
  dashboardUrl(caseId: string): string | undefined;
  records: CaseRecordStore;
  log?: (message: string) => void;
}

/** The case id, or 404: ids outside the instance-id charset never reach the backend. */
export function validCaseId(caseId: unknown): string {
  if (typeof caseId !== 'string' || !isValidInstanceId(caseId))
    throw notFound(`no case with id '${String(caseId ?? '').slice(0, 120)}'`);
  return caseId;
}

export async function readCaseFrom(src: CaseSources, caseIdParam: unknown): Promise<CaseDetail> {
  const caseId = validCaseId(caseIdParam);
  const [instance, session, record, audit] = await Promise.all([
    src.instance(caseId),
    src.session(caseId),
    src.records.getCase(caseId),
    src.records.audit(caseId),
  ]);
  if (instance && isCaseInstance(instance)) {
    await repairRecord(src, instance, record);
    return caseDetail(instance, session, src.dashboardUrl(caseId), audit);
  }
  if (instance || !record) throw notFound(`no case with id '${caseId}'`);
  return caseDetailFromRecord(record, session, audit);
}

/**
 * Read repair: a case started before the record store existed has no record, and a failed or terminated
 * instance never ran its closing activities. Either is written from the instance now (monotonic, so a
 * newer record is never overwritten); a failed write leaves the view as it was.
 */
async function repairRecord(
  src: CaseSources,
  instance: InstanceLike,
  record: CaseRecord | undefined,
): Promise<void> {
  const { status } = caseStatusOf(instance);
  if (record && !(status.stage === 'closed' && record.stage !== 'closed')) return;
  try {
    await src.records.putCase(recordFromStatus(status, instance.runtimeStatus));
  } catch (err) {
    src.log?.(
      `case record of ${instance.instanceId} not repaired: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

/** What submitting a decision needs beyond reading: raising the event on the case's instance. */
export interface DecisionSources extends Pick<CaseSources, 'instance' | 'records'> {
  raise(caseId: string, event: AnalystDecision): Promise<void>;
}

export interface DecisionReply {
  status: 200 | 202;
  body: {
    caseId: string;
    round: number;
    accepted: true;
    repeat?: true;
    decisionId: string;
    analyst: string;
    analystSource?: AnalystIdentity['source'];
  };
}

/**
 * POST /api/cases/{caseId}/decision (and the MCP decide tool): validates the body (400), finds the case
 * (404; a purged case's record answers 409, it takes no decision), then raises the decision when the case
 * awaits one for that round, answers a repeat of an accepted one without a second effect, else 409.
 * `identify` turns the body's analyst into the caller's identity (the credentials win over the body).
 */
export async function submitDecisionTo(
  src: DecisionSources,
  caseIdParam: unknown,
  body: unknown,
  identify: (bodyAnalyst: string | undefined) => AnalystIdentity,
  now: string,
): Promise<DecisionReply> {
  const caseId = validCaseId(caseIdParam);
  const req = parseDecisionRequest(body);
  const target = await decisionTarget(src, caseId);
  const { analyst, source } = identify(req.analyst);
  const verdict = decide(caseId, target.status, target.state, req, analyst, now);
  switch (verdict.kind) {
    case 'repeat':
      return {
        status: 200,
        body: {
          caseId,
          round: verdict.previous.round,
          accepted: true,
          repeat: true,
          decisionId: verdict.previous.decisionId,
          analyst: verdict.previous.analyst,
        },
      };
    case 'conflict':
      throw conflict(verdict.error, verdict.details);
    case 'raise':
      await src.raise(caseId, verdict.event);
      return {
        status: 202,
        body: {
          caseId,
          round: verdict.event.round,
          accepted: true,
          decisionId: verdict.event.decisionId,
          analyst,
          analystSource: source,
        },
      };
  }
}

async function decisionTarget(
  src: Pick<CaseSources, 'instance' | 'records'>,
  caseId: string,
): Promise<{ status: CaseStatus; state: InstanceState }> {
  const instance = await src.instance(caseId);
  if (instance && isCaseInstance(instance))
    return { status: caseStatusOf(instance).status, state: instanceState(instance.runtimeStatus) };
  const record = instance ? undefined : await src.records.getCase(caseId);
  if (!record) throw notFound(`no case with id '${caseId}'`);
  const stub: CaseStatus = {
    ...record,
    schemaVersion: 1,
    findings: [],
    decisions: [],
    timeline: [],
    evidenceCount: 0,
  };
  return { status: record.status ?? stub, state: 'finished' };
}
