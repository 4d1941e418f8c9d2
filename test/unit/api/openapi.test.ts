import { describe, expect, it, vi } from 'vitest';
import { openApiDocument } from '../../../src/api/openapi';
import { ApiRoutes, PageRoutes } from '../../../src/api/routes';
import '../../../src/functions/http/index';

/** Every app.http registration of src/functions/http, captured instead of sent to a host. */
const registered = vi.hoisted(
  () =>
    [] as Array<{
      name: string;
      route?: string;
      methods?: string[];
      authLevel?: string;
      extraInputs?: unknown[];
    }>,
);
vi.mock('@azure/functions', async (importOriginal) => {
  const real = await importOriginal<typeof import('@azure/functions')>();
  return {
    ...real,
    app: {
      ...real.app,
      http: (name: string, opts: Omit<(typeof registered)[number], 'name'>) =>
        registered.push({ name, ...opts }),
    },
  };
});

type Doc = {
  openapi: string;
  paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown> }>>;
  components: { schemas: Record<string, unknown> };
};
const doc = openApiDocument() as unknown as Doc;

describe('OpenAPI document', () => {
  it('is OpenAPI 3.1 and registers exactly the routes in the route table', () => {
    expect(doc.openapi).toBe('3.1.0');
    const documented = [...Object.values(ApiRoutes), ...Object.values(PageRoutes)].map((r) => r.name);
    expect(registered.map((r) => r.name).sort()).toEqual(documented.sort());
  });

  it('describes every registered HTTP route and method', () => {
    for (const r of registered) {
      const op = doc.paths[`/${r.route}`]?.[(r.methods?.[0] ?? '').toLowerCase()];
      expect(op, `${r.methods} /api/${r.route}`).toBeDefined();
      expect(op?.operationId).toBe(r.name);
    }
  });

  it('keeps the key requirement of every route: anonymous only for health and the document', () => {
    const anonymous = registered.filter((r) => r.authLevel === 'anonymous').map((r) => r.route);
    expect(anonymous.sort()).toEqual(['console', 'console/{file}', 'health', 'openapi.json']);
    expect(registered.every((r) => r.authLevel === 'anonymous' || r.authLevel === 'function')).toBe(true);
  });

  it('derives request schemas from the zod schemas the handlers validate with', () => {
    const decision = doc.components.schemas.DecisionRequest as {
      required: string[];
      additionalProperties: boolean;
      properties: Record<string, unknown>;
    };
    expect(decision.required.sort()).toEqual(['decision', 'round']);
    expect(decision.additionalProperties).toBe(false);
    const batch = doc.components.schemas.TelemetryBatch as {
      properties: { events: { items: { oneOf: unknown[] } } };
    };
    // login, transaction, data_usage, api_call, auth_failure and account_change
    expect(batch.properties.events.items.oneOf).toHaveLength(6);
  });

  it('documents the error statuses of the decision route', () => {
    expect(Object.keys(doc.paths['/cases/{caseId}/decision']?.post?.responses ?? {}).sort()).toEqual([
      '200',
      '202',
      '400',
      '401',
      '404',
      '409',
      '413',
      '415',
    ]);
  });
});
