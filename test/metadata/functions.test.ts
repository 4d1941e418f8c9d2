import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOfflineHost, type FunctionInfo, type OfflineHost } from '../../scripts/offline-host/index';
import { CASE_REVIEW_APP_URI, ReviewTools } from '../../src/mcp/names';
import { Activities, Entities, Orchestrations } from '../../src/names';
import { APP_DIR } from '../support/app';

/**
 * The function metadata the Functions host will index (names, triggers, routes, methods, auth levels,
 * schedules, extra inputs), as the offline host captured it from the real app, against a reviewed
 * snapshot. A change here is a change to the deployed surface: review the diff, then refresh with
 *   UPDATE_FUNCTIONS_SNAPSHOT=1 npx vitest run test/metadata/functions.test.ts
 */
const SNAPSHOT = path.join(__dirname, 'functions.snapshot.json');

interface Registration {
  name: string;
  trigger: string;
  route?: string;
  methods?: string[];
  authLevel?: string;
  schedule?: string;
  runOnStartup?: boolean;
  toolName?: string;
  resourceUri?: string;
  mimeType?: string;
  inputs: string[];
}

function registrationOf(f: FunctionInfo): Registration {
  const bindings = Object.values(
    (f.metadata as { bindings?: Record<string, Record<string, unknown>> }).bindings ?? {},
  );
  const toolName = bindings.find((b) => b['type'] === 'mcpToolTrigger')?.['toolName'];
  const resource = bindings.find((b) => b['type'] === 'mcpResourceTrigger');
  return {
    name: f.name,
    trigger: f.trigger,
    ...(f.route !== undefined ? { route: f.route } : {}),
    ...(f.methods ? { methods: [...f.methods].sort() } : {}),
    ...(f.authLevel ? { authLevel: f.authLevel } : {}),
    ...(f.schedule !== undefined ? { schedule: f.schedule } : {}),
    ...(f.runOnStartup !== undefined ? { runOnStartup: f.runOnStartup } : {}),
    ...(typeof toolName === 'string' ? { toolName } : {}),
    ...(resource ? { resourceUri: String(resource['uri']), mimeType: String(resource['mimeType']) } : {}),
    inputs: [...f.inputs].sort(),
  };
}

let host: OfflineHost;
let captured: Registration[];
beforeAll(async () => {
  // The simulator setting on, so its timer trigger is registered too.
  host = await startOfflineHost({
    appDir: APP_DIR,
    port: 0,
    clock: 'virtual',
    inMemory: true,
    functionKey: 'test-key',
    enableTimerTriggers: false,
    env: { SIMULATOR_ENABLED: 'true' },
  });
  captured = host.functions
    .map(registrationOf)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (process.env['UPDATE_FUNCTIONS_SNAPSHOT'] === '1')
    writeFileSync(SNAPSHOT, `${JSON.stringify(captured, null, 2)}\n`);
});
afterAll(async () => {
  await host?.stop();
});

const byTrigger = (trigger: string) => captured.filter((r) => r.trigger === trigger);
const http = (method: string, route: string) =>
  captured.find((r) => r.trigger === 'httpTrigger' && r.route === route && r.methods?.includes(method));

describe('function metadata', () => {
  it('matches the reviewed snapshot', () => {
    const snapshot = JSON.parse(readFileSync(SNAPSHOT, 'utf8')) as Registration[];
    expect(captured).toEqual(snapshot);
  });

  it('serves every route of the API table with its method and auth level', () => {
    const table: Array<[string, string, 'function' | 'anonymous']> = [
      ['POST', 'telemetry', 'function'],
      ['POST', 'cases', 'function'],
      ['GET', 'cases', 'function'],
      ['GET', 'cases/{caseId}', 'function'],
      ['POST', 'cases/{caseId}/decision', 'function'],
      ['GET', 'stream', 'function'],
      ['GET', 'health', 'anonymous'],
      ['GET', 'console', 'anonymous'],
    ];
    const missing = table.filter(([method, route]) => !http(method, route)).map(([m, r]) => `${m} /api/${r}`);
    expect(missing, 'routes of DESIGN.md without a function').toEqual([]);
    for (const [method, route, authLevel] of table)
      expect(http(method, route)?.authLevel, `${method} /api/${route}`).toBe(authLevel);
  });

  it('keeps every HTTP function but health, the console (page and assets) and the OpenAPI document behind a function key', () => {
    const anonymous = byTrigger('httpTrigger')
      .filter((r) => r.authLevel !== 'function')
      .map((r) => r.route!);
    expect(
      anonymous.filter((r) => !['health', 'console', 'console/{file}', 'openapi.json'].includes(r)),
    ).toEqual([]);
    expect(
      byTrigger('httpTrigger').every((r) => r.authLevel === 'function' || r.authLevel === 'anonymous'),
    ).toBe(true);
  });

  it('registers the orchestrations, activities and entities under the names of src/names.ts', () => {
    expect(
      byTrigger('orchestrationTrigger')
        .map((r) => r.name)
        .sort(),
    ).toEqual(Object.values(Orchestrations).sort());
    expect(
      byTrigger('entityTrigger')
        .map((r) => r.name)
        .sort(),
    ).toEqual(Object.values(Entities).sort());
    expect(
      byTrigger('activityTrigger')
        .map((r) => r.name)
        .sort(),
    ).toEqual(Object.values(Activities).sort());
  });

  it('offers case review over MCP (list, read, decide with a durable client) and its MCP App', () => {
    const review = byTrigger('mcpToolTrigger').filter((r) =>
      Object.values(ReviewTools).includes(r.toolName as never),
    );
    expect(review.map((r) => r.toolName).sort()).toEqual(Object.values(ReviewTools).sort());
    for (const r of review) expect(r.inputs).toEqual(['durableClient']);
    expect(byTrigger('mcpResourceTrigger')).toEqual([
      expect.objectContaining({ resourceUri: CASE_REVIEW_APP_URI, mimeType: 'text/html;profile=mcp-app' }),
    ]);
  });

  it('offers the read tools as MCP tools and runs the simulator and the ingest sweep on timers', () => {
    expect(
      byTrigger('mcpToolTrigger')
        .map((r) => r.toolName)
        .sort(),
    ).toEqual(
      expect.arrayContaining([
        'get_billing_summary',
        'get_customer_detail',
        'get_customer_orders',
        'get_data_usage',
        'get_security_logs',
        'get_subscription_detail',
        'search_knowledge_base',
      ]),
    );
    const timers = byTrigger('timerTrigger');
    expect(timers.map((t) => t.name).sort()).toEqual(['purgeFinishedIngests', 'telemetrySimulator']);
    for (const t of timers) expect(t.schedule).toMatch(/^%[A-Z_]+%$|^\S+( \S+){5}$/);
  });
});
