/**
 * The legacy HTTP+SSE transport at /runtime/webhooks/mcp/sse and its message endpoint, as
 * Http/SseRequestHandler.cs serves them: GET /sse opens the stream, whose first event (`endpoint`) is
 * `message?azmcpcs=<clientId|instanceId>[&code=<key>]` relative to the SSE URL (absolute when
 * messageOptions.useAbsoluteUriForEndpoint), then one `message` event per JSON-RPC message
 * (ModelContextProtocol's SseWriter); the server pings the client every 25 s
 * (Sessions/McpClientSessionManager.cs). POST /message answers 202 "Accepted" and the reply goes down the
 * stream. The key in `code` comes from the SSE request's query first, then its x-functions-key header
 * (McpHttpUtility.TryGetFunctionKey), unescaped as the extension writes it.
 */
import type http from 'node:http';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { JSONRPCMessageSchema, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import {
  createId,
  formatClientState,
  header,
  parseClientState,
  parseJsonBody,
  readBody,
  requestHeaders,
  sendEmpty,
  sendJson,
} from './http.js';
import type { CallContext } from './invocation.js';
import { createMcpServer, type ServerDeps } from './server.js';

const PING_INTERVAL_MS = 25_000;
const RECONNECT = 'Please connect to the /sse endpoint to initiate your session.';

/** An SDK transport writing server-sent events in the C# SDK's format. */
class SseStreamTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  private closed = false;

  constructor(
    private readonly res: http.ServerResponse,
    private readonly endpoint: string,
  ) {}

  private write(event: string, data: string): void {
    if (this.closed || this.res.writableEnded) return;
    this.res.write(`event: ${event}\ndata: ${data}\n\n`);
  }

  async start(): Promise<void> {
    this.write('endpoint', this.endpoint);
  }

  async send(message: JSONRPCMessage): Promise<void> {
    this.write('message', JSON.stringify(message));
  }

  receive(message: JSONRPCMessage): void {
    this.onmessage?.(message);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (!this.res.writableEnded) this.res.end();
    this.onclose?.();
  }
}

export interface SseSessions {
  handleSse(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void>;
  handleMessage(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void>;
  closeAll(): void;
}

export function createSseSessions(deps: ServerDeps & { instanceId: string }): SseSessions {
  const sessions = new Map<string, { transport: SseStreamTransport; stop: () => void }>();

  function messageEndpoint(req: http.IncomingMessage, url: URL, clientId: string): string {
    let endpoint = `message?azmcpcs=${formatClientState(clientId, deps.instanceId)}`;
    const code = url.searchParams.get('code') ?? header(req, 'x-functions-key');
    if (code !== undefined && code !== null) endpoint += `&code=${code}`;
    if (!deps.options.useAbsoluteUriForEndpoint) return endpoint;
    const trimmed = url.pathname.replace(/\/+$/, '');
    const dir = trimmed.lastIndexOf('/') > 0 ? trimmed.slice(0, trimmed.lastIndexOf('/')) : '';
    return `${url.protocol}//${url.host}${dir}/${endpoint}`;
  }

  return {
    async handleSse(req, res, url) {
      if (req.method !== 'GET') return sendEmpty(res, 405);
      const clientId = createId();
      res.writeHead(200, {
        'Content-Type': 'text/event-stream',
        'Cache-Control': 'no-cache,no-store',
        Connection: 'keep-alive',
        'Content-Encoding': 'identity',
      });
      res.flushHeaders();
      const transport = new SseStreamTransport(res, messageEndpoint(req, url, clientId));
      const call: CallContext = { transportName: 'http-sse', headers: requestHeaders(req) };
      const server = createMcpServer(deps, call, { onInitialize: (info) => (call.clientInfo = info) });
      const ping = setInterval(() => void server.ping().catch(() => undefined), PING_INTERVAL_MS);
      ping.unref();
      const stop = () => {
        clearInterval(ping);
        sessions.delete(clientId);
        void server.close();
      };
      sessions.set(clientId, { transport, stop });
      res.on('close', stop);
      await server.connect(transport);
    },

    async handleMessage(req, res, url) {
      const state = url.searchParams.get('azmcpcs');
      if (state === null) return sendJson(res, 400, `Missing service context. ${RECONNECT}`);
      const client = parseClientState(state);
      if (!client) return sendJson(res, 400, `Invalid client state. ${RECONNECT}`);
      const parsed = parseJsonBody(await readBody(req));
      const message =
        parsed.ok && parsed.value !== null ? JSONRPCMessageSchema.safeParse(parsed.value) : undefined;
      if (parsed.ok && parsed.value === null) return sendJson(res, 400, 'No message in request body.');
      if (!message?.success) {
        deps.log(
          '[mcp] 500: the message endpoint could not read one JSON-RPC message (the extension throws too).',
        );
        return sendEmpty(res, 500);
      }
      const session = sessions.get(client.clientId);
      if (session) session.transport.receive(message.data);
      else if (client.instanceId === deps.instanceId)
        return sendJson(
          res,
          400,
          `No active session for client '${client.clientId}' and instance '${client.instanceId}'. ${RECONNECT}`,
        );
      else
        deps.log(
          `[mcp] message for instance '${client.instanceId}' dropped: in Azure the extension forwards it over its storage-queue backplane to that instance; the offline host is one instance.`,
        );
      res.writeHead(202, { 'Content-Length': '8' });
      res.end('Accepted');
    },

    closeAll() {
      for (const { transport, stop } of [...sessions.values()]) {
        stop();
        void transport.close();
      }
    },
  };
}
