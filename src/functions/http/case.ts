import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { readJsonBody } from '../../api/body';
import { checkedCaseId, readCase, submitDecision, type CaseSources } from '../../api/case-read';
import { jsonResponse } from '../../api/errors';
import { analystIdentity } from '../../api/principal';
import { ApiRoutes } from '../../api/routes';
import { registerRoute } from './register';
import { config, dashboardUrl } from '../../config';
import { Entities, Events } from '../../names';
import { caseRecords } from '../../records';
import { findInstance, readEntity } from '../../durable/client';

/** Where a case is read from: its instance and session through the durable client, and its record. */
export function caseSources(context: InvocationContext): CaseSources {
  const client = df.getClient(context);
  const cfg = config();
  return {
    instance: (id) => findInstance(client, id),
    session: (id) => readEntity(client, Entities.caseSession, id),
    dashboardUrl: (id) => dashboardUrl(cfg, id),
    records: caseRecords(cfg),
    log: (m) => context.warn(m),
  };
}

/** GET /api/cases/{caseId}: status from the orchestration (or its record once purged), session, audit. */
export async function getCaseHttp(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  return jsonResponse(200, await readCase(caseSources(context), request.params.caseId));
}

/**
 * POST /api/cases/{caseId}/decision: raise the analyst's decision when the case awaits one for that
 * round; a repeat of an accepted decision is answered 200 without a second event; otherwise 409.
 */
export async function postDecisionHttp(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const client = df.getClient(context);
  // The path first (cheap 404), then the body (415/413/400), then the case itself (404).
  const caseId = checkedCaseId(request.params.caseId);
  const body = await readJsonBody(request, config().DECISION_MAX_BYTES);
  const reply = await submitDecision(
    {
      instance: (id) => findInstance(client, id),
      records: caseRecords(),
      raise: (id, event) => client.raiseEvent(id, Events.analystDecision, event),
    },
    caseId,
    body,
    (bodyAnalyst) => analystIdentity(request.headers, bodyAnalyst),
    new Date().toISOString(),
  );
  return jsonResponse(reply.status, reply.body);
}

registerRoute(ApiRoutes.getCase, getCaseHttp, { durableClient: true });

registerRoute(ApiRoutes.decision, postDecisionHttp, { durableClient: true });
