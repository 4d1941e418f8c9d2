import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OfflineHost } from '../../scripts/offline-host/index';
import { createMcpToolRunner } from '../../src/agents/mcp-tools';
import type { ToolRunner } from '../../src/agents/tool-runner';
import type { ToolContext } from '../../src/tools/types';
import { startApp } from '../support/app';

/**
 * The agents' MCP tool runner (MCP_SERVER_URL) against the app's own read tools as the Functions MCP
 * extension serves them (here: the offline host), the key in `?code=` as a URL setting can carry it.
 */
let host: OfflineHost;
let runner: ToolRunner;
const ctx = {} as ToolContext;
beforeAll(async () => {
  host = await startApp();
  runner = createMcpToolRunner({ url: `${host.mcpUrl}?code=${host.mcpExtensionKey}` });
});
afterAll(async () => {
  await runner?.close?.();
  await host?.stop();
});

describe('agents calling the read tools over MCP', () => {
  it('gets the specs the in-process tools have, from the extension-mapped schemas', async () => {
    const [spec] = await runner.specs(['get_customer_detail']);
    expect(spec).toMatchObject({
      name: 'get_customer_detail',
      parameters: {
        type: 'object',
        required: ['customer_id'],
        properties: { customer_id: { type: 'string' } },
      },
    });
  });

  it('gets results as data, and a failing call as an error the agent can read', async () => {
    const ok = await runner.call('get_customer_detail', { customer_id: 'C013' }, ctx);
    expect(ok).toMatchObject({ ok: true, result: { customerId: 'C013' } });
    const bad = await runner.call('get_customer_detail', { customer_id: 'C999' }, ctx);
    expect(bad.ok).toBe(false);
    expect(bad.ok ? '' : bad.error).toMatch(/not found/);
  });
});
