import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { jsonResponse } from '../../api/errors';
import { configCheck, healthReport, modelCheck, type HealthCheck } from '../../api/health';
import { ApiRoutes } from '../../api/routes';
import { registerRoute } from './register';

const DURABLE_TIMEOUT_MS = 3000;

/** Management URLs carry the system key as `code=`; an error message must not leak it. */
const redact = (text: string) => text.replace(/(code|key|sig)=[^&\s"']+/gi, '$1=***');

/** A query that matches nothing (created in the future) answers fast when the backend is up. */
async function durableCheck(context: InvocationContext): Promise<HealthCheck> {
  const started = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const client = df.getClient(context);
    const probe = client.getStatusBy({ createdTimeFrom: new Date(Date.now() + 86_400_000) });
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${DURABLE_TIMEOUT_MS} ms`)),
        DURABLE_TIMEOUT_MS,
      );
    });
    await Promise.race([probe, timeout]);
    return {
      name: 'durable',
      ok: true,
      detail: `task hub '${client.taskHubName}' answered`,
      latencyMs: Date.now() - started,
    };
  } catch (err) {
    return {
      name: 'durable',
      ok: false,
      detail: redact(
        `durable backend check failed: ${err instanceof Error ? err.message : String(err)}`,
      ).slice(0, 500),
    };
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/** GET /api/health (anonymous): 200 when config, model and durable backend are fine, else 503. */
export async function healthHttp(
  _request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const { check, config } = configCheck();
  const report = healthReport(
    [check, modelCheck(config), await durableCheck(context)],
    new Date().toISOString(),
  );
  return jsonResponse(report.status === 'healthy' ? 200 : 503, report);
}

registerRoute(ApiRoutes.health, healthHttp, { durableClient: true });
