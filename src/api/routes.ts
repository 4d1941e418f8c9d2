/**
 * The HTTP API's functions in one table: registrations (src/functions/http) and the OpenAPI document
 * read it, so the document cannot miss a route. Function names carry an `http` prefix because function
 * names share one namespace with orchestrations and activities (`ingestTelemetry` is an orchestration).
 */
export interface ApiRoute {
  name: string;
  /** Route template without the `api/` prefix. */
  route: string;
  method: 'GET' | 'POST';
  authLevel: 'anonymous' | 'function';
}

export const ApiRoutes = {
  telemetry: { name: 'httpIngestTelemetry', route: 'telemetry', method: 'POST', authLevel: 'function' },
  createCase: { name: 'httpCreateCase', route: 'cases', method: 'POST', authLevel: 'function' },
  listCases: { name: 'httpListCases', route: 'cases', method: 'GET', authLevel: 'function' },
  getCase: { name: 'httpGetCase', route: 'cases/{caseId}', method: 'GET', authLevel: 'function' },
  decision: {
    name: 'httpPostDecision',
    route: 'cases/{caseId}/decision',
    method: 'POST',
    authLevel: 'function',
  },
  customerActivity: {
    name: 'httpCustomerActivity',
    route: 'customers/{customerId}/activity',
    method: 'GET',
    authLevel: 'function',
  },
  stream: { name: 'httpStream', route: 'stream', method: 'GET', authLevel: 'function' },
  health: { name: 'httpHealth', route: 'health', method: 'GET', authLevel: 'anonymous' },
  openapi: { name: 'httpOpenApi', route: 'openapi.json', method: 'GET', authLevel: 'anonymous' },
} as const satisfies Record<string, ApiRoute>;

export type ApiRouteKey = keyof typeof ApiRoutes;

/** Pages (not JSON): the analyst console, registered by src/functions/http/console.ts. */
export const PageRoutes = {
  console: { name: 'httpConsole', route: 'console', method: 'GET', authLevel: 'anonymous' },
  consoleAsset: { name: 'httpConsoleAsset', route: 'console/{file}', method: 'GET', authLevel: 'anonymous' },
} as const satisfies Record<string, ApiRoute>;
