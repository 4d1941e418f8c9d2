import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { readJsonBody } from '../../api/body';
import { parseCaseListQuery } from '../../api/case-index';
import { caseStatusOf, isCaseInstance, type InstanceLike } from '../../api/cases';
import { conflict, jsonResponse } from '../../api/errors';
import { manualCaseInput, parseManualCaseRequest } from '../../api/manual-case';
import { caseSettingsFrom } from '../../cases/types';
import { analystIdentity } from '../../api/principal';
import { listCaseSummaries } from '../../api/review';
import { ApiRoutes } from '../../api/routes';
import { registerRoute } from './register';
import { config } from '../../config';
import { orchestrations } from '../../durable/activities';
import { CustomerProfileOps, Entities } from '../../names';
import { findInstance, readEntity, startOnce } from '../../durable/client';
import { isFinished } from '../../durable/status';
import { recordOpened } from '../../records/writes';

/** Bodies of manual cases are small; a generous fixed cap (events are limited to 50 by the schema). */
const CASE_MAX_BYTES = 256 * 1024;

/**
 * POST /api/cases: open a case from a manual alert. The case id follows from the request content (and
 * the optional `requestId`), so a retry answers with the same case; a customer with another open case
 * gets 409 with that case's id (detected alerts join it instead; a manual one must not fork it).
 */
export async function createCaseHttp(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const cfg = config();
  const req = parseManualCaseRequest(await readJsonBody(request, CASE_MAX_BYTES));
  const { analyst } = analystIdentity(request.headers, req.analyst);
  const input = manualCaseInput(req, caseSettingsFrom(cfg), analyst, new Date().toISOString());
  const client = df.getClient(context);

  let created = false;
  if (!(await findInstance(client, input.caseId, false))) {
    const openCaseId = await openCaseOf(client, req.customerId);
    if (openCaseId && openCaseId !== input.caseId) {
      throw conflict(`customer ${req.customerId} already has an open case`, {
        openCaseId,
        statusUrl: caseUrl(request, openCaseId),
      });
    }
    // Recorded before the start: a record with no case is harmless, a case missing from the index is not.
    await recordOpened(input, new Date().toISOString());
    created = (await startOnce(client, orchestrations.investigateCase, input.caseId, input)) === 'started';
    // Detected alerts for this customer now join this case instead of opening a parallel one.
    if (created) {
      const profile = new df.EntityId(Entities.customerProfile, req.customerId);
      await client.signalEntity(profile, CustomerProfileOps.caseOpened, { caseId: input.caseId });
    }
  }
  const statusUrl = caseUrl(request, input.caseId);
  return jsonResponse(
    202,
    {
      caseId: input.caseId,
      alertId: input.alert.alertId,
      created,
      statusUrl,
      // No createHttpManagementPayload here: its URLs embed the Durable system key, which an analyst's
      // function key must not reveal. The case URL is the status link.
      decisionUrl: `${statusUrl}/decision`,
    },
    { location: statusUrl, 'retry-after': '5' },
  );
}

function caseUrl(request: HttpRequest, caseId: string): string {
  return new URL(`/api/cases/${encodeURIComponent(caseId)}`, request.url).toString();
}

/** The customer's open case: the customerProfile entity knows it; running case instances are the fallback. */
async function openCaseOf(client: df.DurableClient, customerId: string): Promise<string | undefined> {
  const profile = (await readEntity(client, Entities.customerProfile, customerId)) as
    { openCaseId?: unknown } | undefined;
  const fromProfile = typeof profile?.openCaseId === 'string' ? profile.openCaseId : undefined;
  if (fromProfile) {
    const s = await findInstance(client, fromProfile, false);
    if (s && !isFinished(s.runtimeStatus)) return fromProfile;
  }
  const running = (await client.getStatusBy({
    runtimeStatus: [df.OrchestrationRuntimeStatus.Running, df.OrchestrationRuntimeStatus.Pending],
  })) as unknown as InstanceLike[];
  const open = running.filter(isCaseInstance).find((i) => {
    const { status } = caseStatusOf(i);
    return status.customerId === customerId && status.stage !== 'closed';
  });
  return open?.instanceId;
}

/** GET /api/cases?status=&outcome=&riskLevel=&rule=&customerId=&q=&sort=&limit=&cursor=: one page of the index. */
export async function listCasesHttp(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const q = parseCaseListQuery(request.query);
  return jsonResponse(200, await listCaseSummaries(df.getClient(context), q));
}

registerRoute(ApiRoutes.createCase, createCaseHttp, { durableClient: true });

registerRoute(ApiRoutes.listCases, listCasesHttp, { durableClient: true });
