import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { CustomerIdParam, customerActivity, parseActivityQuery } from '../../api/activity';
import { jsonResponse, notFound } from '../../api/errors';
import { ApiRoutes } from '../../api/routes';
import { accountActivity } from '../../durable/entities';
import { readEntity } from '../../durable/typed';
import { customerById } from '../../tools';
import { registerRoute } from './register';

/** GET /api/customers/{customerId}/activity: history and live events on one timeline (see src/api/activity.ts). */
export async function customerActivityHttp(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const id = CustomerIdParam.safeParse(request.params.customerId);
  if (!id.success) throw notFound(`no customer '${String(request.params.customerId ?? '').slice(0, 80)}'`);
  const q = parseActivityQuery(new URL(request.url).searchParams);
  const known = customerById(id.data);
  const customerId = known?.id ?? id.data;
  const record = await readEntity(df.getClient(context), accountActivity, customerId);
  return jsonResponse(200, customerActivity(customerId, q, record, new Date().toISOString(), !!known));
}

registerRoute(ApiRoutes.customerActivity, customerActivityHttp, { durableClient: true });
