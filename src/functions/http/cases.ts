import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { readJsonBody } from '../../api/body';
import { parseCaseListQuery } from '../../api/case-index';
import { conflict, jsonResponse, unavailable } from '../../api/errors';
import { manualAlert, parseManualCaseRequest } from '../../api/manual-case';
import { analystIdentity } from '../../api/principal';
import { listCaseSummaries } from '../../api/review';
import { ApiRoutes } from '../../api/routes';
import { caseIdFor } from '../../cases/types';
import { orchestrations } from '../../durable/activities';
import { findInstance, waitForInstances, startOnce } from '../../durable/client';
import { customerProfile } from '../../durable/entities';
import { isFinished } from '../../durable/status';
import { readEntity } from '../../durable/typed';
import { registerRoute } from './register';

/** Bodies of manual cases are small; a generous fixed cap (events are limited to 50 by the schema). */
const CASE_MAX_BYTES = 256 * 1024;
/** How long the request waits for the profile's routing decision. */
export const OPEN_WAIT_MS = 20_000;

/**
 * POST /api/cases: open a case from a manual alert. The case id follows from the request content (and
 * the optional `requestId`), so a retry answers with the same case. Whether it opens is decided by the
 * customerProfile entity like every other route (src/cases/routing.ts), so concurrent opens and a
 * racing detected alert leave one open case; a customer with another open case gets 409 naming it
 * (detected alerts join it instead; a manual one must not fork it), and the refusal changes nothing.
 */
export async function createCaseHttp(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const req = parseManualCaseRequest(await readJsonBody(request, CASE_MAX_BYTES));
  const { analyst } = analystIdentity(request.headers, req.analyst);
  const alert = manualAlert(req, new Date().toISOString());
  const caseId = caseIdFor(alert.alertId);
  const client = df.getClient(context);
  const statusUrl = caseUrl(request, caseId);
  const accepted = (created: boolean) =>
    jsonResponse(
      202,
      {
        caseId,
        alertId: alert.alertId,
        created,
        statusUrl,
        // No createHttpManagementPayload here: its URLs embed the Durable system key, which an analyst's
        // function key must not reveal. The case URL is the status link.
        decisionUrl: `${statusUrl}/decision`,
      },
      { location: statusUrl, 'retry-after': '5' },
    );
  const refused = (openCaseId: string | undefined) =>
    conflict(`customer ${req.customerId} already has an open case`, {
      ...(openCaseId ? { openCaseId, statusUrl: caseUrl(request, openCaseId) } : {}),
    });

  // A retry of an open whose case exists: the same answer, nothing started.
  if (await findInstance(client, caseId, false)) return accepted(false);
  // The open case the profile already records is refused at once, without writing anything.
  const known = await runningOpenCase(client, req.customerId);
  if (known && known !== caseId) throw refused(known);

  const routingId = `open-${caseId}`;
  const first = await startOnce(client, orchestrations.openManualCase, routingId, { alert, analyst });
  const done = (await waitForInstances(client, [routingId], OPEN_WAIT_MS)).get(routingId);
  if (!done) throw unavailable('the case is not decided yet; send the same request again', { caseId });
  const out = orchestrations.openManualCase.output.safeParse(done.output);
  if (done.runtimeStatus !== 'Completed' || !out.success)
    throw new Error(`opening ${caseId} ended ${done.runtimeStatus}: ${JSON.stringify(done.output)}`);
  if (out.data.outcome === 'opened') return accepted(first === 'started');
  // Refused: the routing instance is purged, so a refusal leaves nothing behind.
  await client.purgeInstanceHistory(routingId).catch(() => undefined);
  throw refused(out.data.openCaseId);
}

function caseUrl(request: HttpRequest, caseId: string): string {
  return new URL(`/api/cases/${encodeURIComponent(caseId)}`, request.url).toString();
}

/** The open case the customer's profile records, unless that case has already ended. */
async function runningOpenCase(client: df.DurableClient, customerId: string): Promise<string | undefined> {
  const profile = await readEntity(client, customerProfile, customerId).catch(() => undefined);
  const openCaseId = profile?.openCaseId ?? undefined;
  if (!openCaseId) return undefined;
  const s = await findInstance(client, openCaseId, false);
  return s && isFinished(s.runtimeStatus) ? undefined : openCaseId;
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
