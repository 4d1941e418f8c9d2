import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { readJsonBody } from '../../api/body';
import { caseDetail, caseStatusOf, isCaseInstance, type InstanceLike } from '../../api/cases';
import { decide, parseDecisionRequest } from '../../api/decision';
import { errorResponse, jsonResponse, notFound } from '../../api/errors';
import { isValidInstanceId } from '../../api/ids';
import { analystIdentity } from '../../api/principal';
import { ApiRoutes } from '../../api/routes';
import { registerRoute } from './register';
import { config, dashboardUrl } from '../../config';
import { Events } from '../../names';
import { findInstance } from '../../durable/client';
import { caseSession } from '../../durable/entities';
import { readEntity } from '../../durable/typed';
import { isFinished } from '../../durable/status';

/** The path's case id, or 404: ids outside the instance-id charset never reach the backend. */
function pathCaseId(request: HttpRequest): string {
  const caseId = request.params.caseId;
  if (!isValidInstanceId(caseId)) throw notFound(`no case with id '${String(caseId ?? '').slice(0, 120)}'`);
  return caseId;
}

async function caseInstance(client: df.DurableClient, caseId: string): Promise<InstanceLike> {
  const instance = await findInstance(client, caseId);
  if (!instance || !isCaseInstance(instance)) throw notFound(`no case with id '${caseId}'`);
  return instance;
}

/** GET /api/cases/{caseId}: status from the orchestration, findings and conversation from the session. */
export async function getCaseHttp(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const client = df.getClient(context);
  const instance = await caseInstance(client, pathCaseId(request));
  // The conversation is shown when readable; a missing or unreadable session leaves the status-only view.
  const session = await readEntity(client, caseSession, instance.instanceId).catch(() => undefined);
  return jsonResponse(200, caseDetail(instance, session, dashboardUrl(config(), instance.instanceId)));
}

/**
 * POST /api/cases/{caseId}/decision: raise the analyst's decision when the case awaits one for that
 * round; a repeat of an accepted decision is answered 200 without a second event; otherwise 409.
 */
export async function postDecisionHttp(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const cfg = config();
  const client = df.getClient(context);
  // The path first (cheap 404), then the body (415/413/400), then the case itself (404).
  const caseId = pathCaseId(request);
  const req = parseDecisionRequest(await readJsonBody(request, cfg.DECISION_MAX_BYTES));
  const instance = await caseInstance(client, caseId);
  const { analyst, source } = analystIdentity(request.headers, req.analyst);
  const { status } = caseStatusOf(instance);
  const verdict = decide(
    instance.instanceId,
    status,
    !isFinished(instance.runtimeStatus),
    req,
    analyst,
    new Date().toISOString(),
  );

  switch (verdict.kind) {
    case 'repeat':
      return jsonResponse(200, {
        caseId: instance.instanceId,
        round: verdict.previous.round,
        accepted: true,
        repeat: true,
        decisionId: verdict.previous.decisionId,
        analyst: verdict.previous.analyst,
      });
    case 'conflict':
      return errorResponse(409, verdict.error, verdict.details);
    case 'raise':
      await client.raiseEvent(instance.instanceId, Events.analystDecision, verdict.event);
      return jsonResponse(202, {
        caseId: instance.instanceId,
        round: verdict.event.round,
        accepted: true,
        decisionId: verdict.event.decisionId,
        analyst,
        analystSource: source,
      });
  }
}

registerRoute(ApiRoutes.getCase, getCaseHttp, { durableClient: true });

registerRoute(ApiRoutes.decision, postDecisionHttp, { durableClient: true });
