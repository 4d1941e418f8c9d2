/**
 * Streamable HTTP at /runtime/webhooks/mcp, as Http/StreamableHttpRequestHandler.cs serves it: POST only
 * (405 otherwise), both `application/json` and `text/event-stream` accepted or 406, stateless — a fresh
 * server per request, no GET stream, no DELETE — with the session id being the client state the
 * `initialize` response sets in `Mcp-Session-Id` (an unreadable one is 400 "Invalid client state.").
 * Replies are server-sent events (McpHttpUtility.SetSseContext); a notification gets 202.
 */
import type http from 'node:http';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import {
  createId,
  formatClientState,
  header,
  isJsonContentType,
  parseClientState,
  parseJsonBody,
  readBody,
  requestHeaders,
  sendEmpty,
  sendJson,
} from './http.js';
import { createMcpServer, type ServerDeps } from './server.js';

const jsonRpcError = (res: http.ServerResponse, status: number, message: string) =>
  sendJson(res, status, { jsonrpc: '2.0', id: null, error: { code: -32000, message } });

export async function handleStreamable(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  deps: ServerDeps & { instanceId: string },
): Promise<void> {
  if (req.method !== 'POST') return sendEmpty(res, 405);
  const accept = header(req, 'accept') ?? '';
  if (!accept.includes('application/json') || !accept.includes('text/event-stream'))
    return jsonRpcError(
      res,
      406,
      'Not Acceptable: Client must accept both application/json and text/event-stream',
    );
  const sessionId = header(req, 'mcp-session-id');
  if (sessionId && !parseClientState(sessionId)) return jsonRpcError(res, 400, 'Invalid client state.');

  const body = await readBody(req);
  const parsed = isJsonContentType(header(req, 'content-type'))
    ? parseJsonBody(body)
    : { ok: false as const };
  if (
    !parsed.ok ||
    Array.isArray(parsed.value) ||
    (parsed.value !== null && typeof parsed.value !== 'object')
  ) {
    // The extension reads one JsonRpcMessage with ReadFromJsonAsync: a non-JSON content type, malformed
    // JSON or a batch throws inside the webhook, and the host answers 500.
    deps.log(
      '[mcp] 500: the Functions MCP extension reads exactly one JSON-RPC message with a JSON content type (no batches); this request would fail the same way in Azure.',
    );
    return sendEmpty(res, 500);
  }
  if (parsed.value === null)
    return jsonRpcError(res, 400, 'Bad Request: The POST body did not contain a valid JSON-RPC message.');

  if (isInitializeRequest(parsed.value))
    res.setHeader('Mcp-Session-Id', formatClientState(createId(), deps.instanceId));

  const server = createMcpServer(deps, {
    transportName: 'http-streamable',
    headers: requestHeaders(req),
    ...(sessionId ? { sessionId } : {}),
  });
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
  res.on('close', () => {
    void transport.close();
    void server.close();
  });
  await server.connect(transport);
  await transport.handleRequest(req, res, parsed.value);
}
