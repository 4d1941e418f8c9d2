import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOfflineHost, type OfflineHost } from '../../scripts/offline-host/index';
import { connect, MCP_KEY, sessionOf, startFixture, textOf } from './support';

/**
 * The MCP webhook as the Functions host + MCP extension serve it: keys, methods, the Streamable HTTP
 * rules of StreamableHttpRequestHandler and the legacy SSE endpoint pair of SseRequestHandler.
 */
let host: OfflineHost;
let url: string;
beforeAll(async () => {
  host = await startFixture('everything');
  url = host.mcpUrl!;
});
afterAll(async () => {
  await host?.stop();
});

const INIT = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '0' } },
};
const mcpHeaders = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const post = (target: string, body: unknown, headers: Record<string, string>) =>
  fetch(target, { method: 'POST', headers: { ...mcpHeaders, ...headers }, body: JSON.stringify(body) });

describe('MCP webhook keys', () => {
  it('is served at /runtime/webhooks/mcp on the host port', () => {
    expect(url).toBe(`${host.baseUrl}/runtime/webhooks/mcp`);
    expect(host.mcpExtensionKey).toBe(MCP_KEY);
  });

  it('answers 401 with no key, a wrong key or the function key', async () => {
    for (const headers of [
      {},
      { 'x-functions-key': 'nope' },
      { 'x-functions-key': 'mcp-test-function-key' },
    ] as Array<Record<string, string>>)
      expect((await post(url, INIT, headers)).status).toBe(401);
    expect((await post(`${url}?code=mcp-test-function-key`, INIT, {})).status).toBe(401);
  });

  it('takes the mcp_extension key or the master key, in x-functions-key or ?code=', async () => {
    for (const [target, headers] of [
      [url, { 'x-functions-key': MCP_KEY }],
      [`${url}?code=${MCP_KEY}`, {}],
      [url, { 'x-functions-key': host.masterKey }],
      [`${url}?code=${host.masterKey}`, {}],
    ] as const) {
      const res = await post(target, INIT, headers);
      expect(res.status, target).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/event-stream');
      await res.text();
    }
  });

  it('answers 405 for a method the host route does not take, and GET/DELETE on Streamable HTTP', async () => {
    const key = { 'x-functions-key': MCP_KEY };
    expect((await fetch(url, { method: 'PUT', headers: key })).status).toBe(405);
    expect((await fetch(url, { method: 'GET', headers: key })).status).toBe(405);
    expect((await fetch(url, { method: 'DELETE', headers: key })).status).toBe(405);
    expect((await fetch(`${url}/sse`, { method: 'POST', headers: key })).status).toBe(405);
  });

  it('opens the webhook to anonymous callers when host.json says so', async () => {
    const open = await startFixture('anonymous');
    try {
      const { client } = await connect(open.mcpUrl!, 'streamable', {});
      expect(textOf(await client.callTool({ name: 'ping' }))).toBe('pong');
      await client.close();
    } finally {
      await open.stop();
    }
  });

  it('is not there for an app without MCP functions', async () => {
    const plain = await startOfflineHost({
      appDir: `${__dirname}/../offline-host/fixtures/chain`,
      port: 0,
      inMemory: true,
      clock: 'virtual',
      enableTimerTriggers: false,
    });
    try {
      expect(plain.mcpUrl).toBeUndefined();
      const res = await post(`${plain.baseUrl}/runtime/webhooks/mcp`, INIT, {
        'x-functions-key': plain.masterKey,
      });
      expect(res.status).toBe(404);
    } finally {
      await plain.stop();
    }
  });
});

describe('Streamable HTTP, stateless as the extension serves it', () => {
  const key = { 'x-functions-key': MCP_KEY };

  it('sets Mcp-Session-Id to the client state on initialize and answers in server-sent events', async () => {
    const res = await post(url, INIT, key);
    const session = res.headers.get('mcp-session-id');
    expect(session).toMatch(/^[a-z0-9]{16}\|[a-z0-9]{16}$/);
    const text = await res.text();
    expect(text).toMatch(/^event: message\ndata: /);
    const reply = JSON.parse(text.split('data: ')[1]!.trim()) as { result: Record<string, unknown> };
    expect(reply.result).toMatchObject({
      protocolVersion: '2025-06-18',
      serverInfo: { name: 'everything-fixture', version: '2.1.0' },
      instructions: "Fixture for the offline host's MCP tests.",
      capabilities: { tools: {}, resources: {}, prompts: {} },
    });
  });

  it('negotiates down to the newest version the extension knows', async () => {
    const res = await post(url, { ...INIT, params: { ...INIT.params, protocolVersion: '2099-01-01' } }, key);
    expect(await res.text()).toContain('"protocolVersion":"2025-06-18"');
  });

  it('serves requests without initialize on any instance (no server-side session)', async () => {
    const res = await post(
      url,
      { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'test_simple_text' } },
      key,
    );
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('This is a simple text response for testing.');
  });

  it('refuses a client that does not accept both JSON and event streams (406)', async () => {
    const res = await post(url, INIT, { ...key, accept: 'application/json' });
    expect(res.status).toBe(406);
    expect(await res.json()).toMatchObject({
      error: {
        code: -32000,
        message: 'Not Acceptable: Client must accept both application/json and text/event-stream',
      },
    });
  });

  it('refuses an unreadable Mcp-Session-Id (400 Invalid client state.)', async () => {
    const res = await post(url, INIT, { ...key, 'mcp-session-id': 'not-a-client-state' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: -32000, message: 'Invalid client state.' } });
  });

  it('answers 202 to a notification and 500 to a batch or non-JSON body, as the extension does', async () => {
    const note = await post(url, { jsonrpc: '2.0', method: 'notifications/initialized' }, key);
    expect(note.status).toBe(202);
    expect((await post(url, [INIT], key)).status).toBe(500);
    const text = await fetch(url, {
      method: 'POST',
      headers: { ...mcpHeaders, ...key, 'content-type': 'text/plain' },
      body: '{}',
    });
    expect(text.status).toBe(500);
    const nothing = await post(url, null, key);
    expect(nothing.status).toBe(400);
  });

  it('works end to end with the SDK client, which keeps the session id it was given', async () => {
    const connected = await connect(url, 'streamable', key);
    const { client } = connected;
    expect(sessionOf(connected)).toMatch(/^[a-z0-9]{16}\|[a-z0-9]{16}$/);
    expect(client.getServerVersion()).toEqual({ name: 'everything-fixture', version: '2.1.0' });
    await client.ping();
    expect(textOf(await client.callTool({ name: 'test_simple_text' }))).toContain('simple text');
    await client.close();
  });
});

describe('legacy SSE at /runtime/webhooks/mcp/sse', () => {
  it('announces the message endpoint relative to the SSE URL, with the client state and the key', async () => {
    const ac = new AbortController();
    const res = await fetch(`${url}/sse?code=${MCP_KEY}`, { signal: ac.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(res.headers.get('cache-control')).toBe('no-cache,no-store');
    const reader = res.body!.getReader();
    const { value } = await reader.read();
    const first = new TextDecoder().decode(value);
    expect(first).toMatch(
      /^event: endpoint\ndata: message\?azmcpcs=[a-z0-9]{16}\|[a-z0-9]{16}&code=mcp-test-extension-key\n\n/,
    );
    ac.abort();
  });

  it('gives an absolute endpoint when messageOptions.useAbsoluteUriForEndpoint is set', async () => {
    const open = await startFixture('anonymous');
    const ac = new AbortController();
    try {
      const res = await fetch(`${open.mcpUrl}/sse`, { signal: ac.signal });
      const { value } = await res.body!.getReader().read();
      expect(new TextDecoder().decode(value)).toContain(
        `data: ${open.baseUrl}/runtime/webhooks/mcp/message?azmcpcs=`,
      );
    } finally {
      ac.abort();
      await open.stop();
    }
  });

  it('serves a whole session with the SDK SSE client (key only in the header)', async () => {
    const { client } = await connect(url, 'sse', { 'x-functions-key': MCP_KEY });
    const tools = await client.listTools();
    expect(tools.tools.map((t) => t.name)).toContain('echo');
    expect(textOf(await client.callTool({ name: 'test_simple_text' }))).toContain('simple text');
    await client.close();
  });

  it('answers the message endpoint errors as SseRequestHandler does', async () => {
    const key = { 'x-functions-key': MCP_KEY };
    const missing = await post(`${url}/message`, INIT, key);
    expect(missing.status).toBe(400);
    expect(await missing.json()).toBe(
      'Missing service context. Please connect to the /sse endpoint to initiate your session.',
    );
    const bad = await post(`${url}/message?azmcpcs=nonsense`, INIT, key);
    expect(await bad.json()).toBe(
      'Invalid client state. Please connect to the /sse endpoint to initiate your session.',
    );
    // A client id this instance never issued, with this instance's id (learned from an initialize).
    const init = await post(url, INIT, key);
    const instanceId = init.headers.get('mcp-session-id')!.split('|')[1];
    await init.text();
    const gone = await post(`${url}/message?azmcpcs=aaaaaaaaaaaaaaaa|${instanceId}`, INIT, key);
    expect(gone.status).toBe(400);
    expect(await gone.json()).toMatch(/^No active session for client 'aaaaaaaaaaaaaaaa'/);
  });
});
