import { app } from '@azure/functions';
import * as df from 'durable-functions';
import type { ApiHandler } from '../../api/handler';
import { withApiErrors } from '../../api/handler';
import type { ApiRoute } from '../../api/routes';

/** Registers one row of the route table: JSON errors around the handler, a durable client when asked. */
export function registerRoute(route: ApiRoute, handler: ApiHandler, opts: { durableClient: boolean }): void {
  app.http(route.name, {
    route: route.route,
    methods: [route.method],
    authLevel: route.authLevel,
    ...(opts.durableClient ? { extraInputs: [df.input.durableClient()] } : {}),
    handler: withApiErrors(handler),
  });
}
