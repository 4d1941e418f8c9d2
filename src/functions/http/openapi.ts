import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { jsonResponse } from '../../api/errors';
import { withApiErrors } from '../../api/handler';
import { openApiDocument } from '../../api/openapi';
import { ApiRoutes } from '../../api/routes';

let cached: unknown;

/** GET /api/openapi.json (anonymous): the API description (server URL relative: `/api`), built once. */
export async function openApiHttp(
  _request: HttpRequest,
  _context: InvocationContext,
): Promise<HttpResponseInit> {
  cached ??= openApiDocument('/api');
  return jsonResponse(200, cached, { 'cache-control': 'public, max-age=300' });
}

app.http(ApiRoutes.openapi.name, {
  route: ApiRoutes.openapi.route,
  methods: [ApiRoutes.openapi.method],
  authLevel: ApiRoutes.openapi.authLevel,
  handler: withApiErrors(openApiHttp),
});
