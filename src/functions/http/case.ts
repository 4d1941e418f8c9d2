import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { readJsonBody } from '../../api/body';
import { jsonResponse } from '../../api/errors';
import { analystIdentity } from '../../api/principal';
import { readCase, submitDecision, validCaseId } from '../../api/review';
import { ApiRoutes } from '../../api/routes';
import { registerRoute } from './register';
import { config } from '../../config';

/** GET /api/cases/{caseId}: live from the orchestration (or its record once purged), session and audit. */
export async function getCaseHttp(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  return jsonResponse(200, await readCase(df.getClient(context), request.params.caseId));
}

/**
 * POST /api/cases/{caseId}/decision (src/api/review.ts submitDecision): 202 raised, 200 a repeat of the
 * accepted decision (no second event), 400/404/409 otherwise. The path is checked before the body is read.
 */
export async function postDecisionHttp(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const caseId = validCaseId(request.params.caseId);
  const body = await readJsonBody(request, config().DECISION_MAX_BYTES);
  const out = await submitDecision(df.getClient(context), caseId, body, (claimed) =>
    analystIdentity(request.headers, claimed),
  );
  return jsonResponse(out.status, out.body);
}

registerRoute(ApiRoutes.getCase, getCaseHttp, { durableClient: true });

registerRoute(ApiRoutes.decision, postDecisionHttp, { durableClient: true });
