import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { readJsonBody } from '../../api/body';
import { jsonResponse } from '../../api/errors';
import { ApiRoutes } from '../../api/routes';
import { registerRoute } from './register';
import { parseTelemetryBatch, planIngest, telemetryAccepted, telemetryBusEvent } from '../../api/telemetry';
import { config } from '../../config';
import { publish } from '../../events/bus';
import { orchestrations } from '../../durable/activities';
import { startOnce, waitForInstances } from '../../durable/client';

/** How long the request waits for the ingest instances, so most answers carry their alerts. */
export const INGEST_WAIT_MS = 3000;

/**
 * POST /api/telemetry: validate the whole batch, then one ingestTelemetry instance per customer with a
 * content-derived id (a retried batch starts nothing new), then wait briefly for their alerts.
 */
export async function ingestTelemetryHttp(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const cfg = config();
  const body = await readJsonBody(request, cfg.TELEMETRY_MAX_BYTES);
  const events = parseTelemetryBatch(body, cfg.TELEMETRY_MAX_EVENTS);
  const client = df.getClient(context);
  const plans = planIngest(events, new Date().toISOString());

  // An instance that already exists is a retry of the same batch: it runs (or ran) once.
  await Promise.all(
    plans.map((p) => startOnce(client, orchestrations.ingestTelemetry, p.instanceId, p.input)),
  );
  for (const p of plans) publish('telemetry', telemetryBusEvent(p), { key: p.instanceId });

  const finished = await waitForInstances(
    client,
    plans.map((p) => p.instanceId),
    INGEST_WAIT_MS,
  );
  const result = telemetryAccepted(events.length, plans, finished);
  for (const a of result.alerts) publish('alert', a, { key: a.alertId });
  return jsonResponse(202, result);
}

registerRoute(ApiRoutes.telemetry, ingestTelemetryHttp, { durableClient: true });
