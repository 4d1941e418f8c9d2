import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OfflineHost } from '../../scripts/offline-host/index';
import {
  NOT_APPLICABLE,
  runConformance,
  type ScenarioResult,
} from '../../scripts/offline-host/mcp/conformance';
import { MCP_KEY, startFixture } from './support';

/**
 * The official MCP conformance suite's server scenarios (active and pending) against the offline host's
 * webhook: every scenario that applies to the Functions MCP extension passes, and every one that does not
 * fails for the reason written down (the extension lacks the method, or a function cannot do it), not
 * for another.
 */
let host: OfflineHost;
let results: ScenarioResult[];
beforeAll(async () => {
  host = await startFixture('everything');
  results = await runConformance(`${host.mcpUrl}?code=${MCP_KEY}`, { suite: 'all' });
}, 120_000);
afterAll(async () => {
  await host?.stop();
});

describe('MCP conformance suite (server scenarios)', () => {
  it('ran every server scenario of the suite', () => {
    expect(results.length).toBeGreaterThanOrEqual(30);
    for (const name of [
      'server-initialize',
      'tools-list',
      'tools-call-error',
      'resources-templates-read',
      'prompts-get-with-args',
    ])
      expect(results.map((r) => r.scenario)).toContain(name);
  });

  it('passes every scenario that applies to the Functions MCP extension', () => {
    const failing = results.filter((r) => r.applies && r.failures.length > 0);
    expect(failing, JSON.stringify(failing, null, 2)).toEqual([]);
    expect(results.filter((r) => r.applies).length).toBeGreaterThanOrEqual(17);
  });

  it('fails the others for the reason written down', () => {
    const byName = new Map(results.map((r) => [r.scenario, r]));
    for (const name of ['logging-set-level', 'completion-complete', 'resources-subscribe'])
      expect(byName.get(name)?.failures.join(' ')).toContain('Method not found');
    for (const name of ['tools-call-sampling', 'tools-call-elicitation', 'tools-call-with-progress'])
      expect(byName.get(name)?.failures.join(' ')).toMatch(/Unknown tool/);
    for (const r of results.filter((x) => !x.applies)) expect(NOT_APPLICABLE[r.scenario]).toBeTruthy();
  });
});
