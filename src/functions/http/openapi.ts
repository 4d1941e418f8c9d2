import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { jsonResponse } from '../../api/errors';
import { openApiDocument } from '../../api/openapi';
import { ApiRoutes } from '../../api/routes';
import { registerRoute } from './register';

let cached: unknown;

/** GET /api/openapi.json (anonymous): the API description (server URL relative: `/api`), built once. */
export async function openApiHttp(
  _request: HttpRequest,
  _context: InvocationContext,
): Promise<HttpResponseInit> {
  cached ??= openApiDocument('/api');
  return jsonResponse(200, cached, { 'cache-control': 'public, max-age=300' });
}

registerRoute(ApiRoutes.openapi, openApiHttp, { durableClient: false });
