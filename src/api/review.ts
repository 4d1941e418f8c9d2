import type * as df from 'durable-functions';
import { config, dashboardUrl } from '../config';
import { findInstance, type InstanceLike } from '../durable/client';
import { caseSession } from '../durable/entities';
import { readEntity } from '../durable/typed';
import { Events } from '../names';
import {
  caseDetail,
  caseStatusOf,
  isCaseInstance,
  listCases,
  runtimeStatusesFor,
  type CaseDetail,
  type CaseListQuery,
  type CaseSummary,
} from './cases';
import { decide, instanceState, parseDecisionRequest } from './decision';
import { conflict, notFound } from './errors';
import { isValidInstanceId } from './ids';
import type { AnalystIdentity } from './principal';

/**
 * Case review — list, read, decide — for every channel that offers it (the HTTP API and the MCP tools):
 * one implementation of the validation, idempotency, round checks and audit, transport-neutral. Bad
 * input, unknown cases and conflicts are thrown as ApiErrors (400/404/409) for the channel to render.
 */

/** The case id, or 404: ids outside the instance-id charset never reach the backend. */
export function validCaseId(caseId: unknown): string {
  if (typeof caseId !== 'string' || !isValidInstanceId(caseId))
    throw notFound(`no case with id '${String(caseId ?? '').slice(0, 120)}'`);
  return caseId;
}

/** A case instance by id, or 404. */
export async function caseInstance(client: df.DurableClient, caseId: unknown): Promise<InstanceLike> {
  const id = validCaseId(caseId);
  const instance = await findInstance(client, id);
  if (!instance || !isCaseInstance(instance)) throw notFound(`no case with id '${id}'`);
  return instance;
}

/** Summaries for a validated query (see parseCaseListQuery). */
export async function listCaseSummaries(
  client: df.DurableClient,
  q: CaseListQuery,
): Promise<{ cases: CaseSummary[]; count: number }> {
  const statuses = runtimeStatusesFor(q.status) as df.OrchestrationRuntimeStatus[] | undefined;
  const instances = (await (statuses
    ? client.getStatusBy({ runtimeStatus: statuses })
    : client.getStatusAll())) as unknown as InstanceLike[];
  const cases = listCases(instances, q);
  return { cases, count: cases.length };
}

/** One case: status from the orchestration, findings and conversation from its session entity. */
export async function readCase(client: df.DurableClient, caseId: unknown): Promise<CaseDetail> {
  const instance = await caseInstance(client, caseId);
  // The conversation is shown when readable; a missing or unreadable session leaves the status-only view.
  const session = await readEntity(client, caseSession, instance.instanceId).catch(() => undefined);
  return caseDetail(instance, session, dashboardUrl(config(), instance.instanceId));
}

export type DecisionOutcome =
  | {
      status: 200;
      body: {
        caseId: string;
        round: number;
        accepted: true;
        repeat: true;
        decisionId: string;
        analyst: string;
      };
    }
  | {
      status: 202;
      body: {
        caseId: string;
        round: number;
        accepted: true;
        decisionId: string;
        analyst: string;
        analystSource: string;
      };
    };

/**
 * Raises the analyst's decision when the case awaits one for that round; a repeat of an accepted decision
 * is answered (200) without a second event; otherwise 409. Checks run in this order: the case id (404),
 * the body (400), the case itself (404), the verdict (409). `identify` names the analyst from the
 * channel's credentials, given the body's `analyst` claim.
 */
export async function submitDecision(
  client: df.DurableClient,
  caseId: unknown,
  body: unknown,
  identify: (claimed: string | undefined) => AnalystIdentity,
): Promise<DecisionOutcome> {
  validCaseId(caseId);
  const req = parseDecisionRequest(body);
  const instance = await caseInstance(client, caseId);
  const { analyst, source } = identify(req.analyst);
  const { status } = caseStatusOf(instance);
  const verdict = decide(
    instance.instanceId,
    status,
    instanceState(instance.runtimeStatus),
    req,
    analyst,
    new Date().toISOString(),
  );
  switch (verdict.kind) {
    case 'repeat':
      return {
        status: 200,
        body: {
          caseId: instance.instanceId,
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
      await client.raiseEvent(instance.instanceId, Events.analystDecision, verdict.event);
      return {
        status: 202,
        body: {
          caseId: instance.instanceId,
          round: verdict.event.round,
          accepted: true,
          decisionId: verdict.event.decisionId,
          analyst,
          analystSource: source,
        },
      };
  }
}
