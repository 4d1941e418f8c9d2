import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { ConfigError } from '../config';
import { ApiError, errorResponse } from './errors';

export type ApiHandler = (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>;

/**
 * Every HTTP handler runs inside this: an ApiError becomes its JSON status, a bad configuration a 503
 * naming the setting, anything else a 500 with the invocation id to look up in the logs (never the
 * stack). Bad input never reaches the last case: the helpers throw ApiErrors for it.
 */
export function withApiErrors(handler: ApiHandler): ApiHandler {
  return async (request, context) => {
    try {
      return await handler(request, context);
    } catch (err) {
      if (err instanceof ApiError) return errorResponse(err.status, err.message, err.details, err.headers);
      if (err instanceof ConfigError) {
        context.error(err.message);
        return errorResponse(503, 'the app is misconfigured; see /api/health', { config: err.message });
      }
      context.error(`unhandled error in ${context.functionName}:`, err);
      return errorResponse(500, 'internal error', { invocationId: context.invocationId });
    }
  };
}
