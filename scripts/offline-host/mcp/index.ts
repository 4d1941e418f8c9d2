/**
 * The Functions MCP extension, played by the offline host: the app's `app.mcpTool` / `app.mcpResource` /
 * `app.mcpPrompt` registrations served at /runtime/webhooks/mcp (Streamable HTTP) and
 * /runtime/webhooks/mcp/sse (+ /message, legacy SSE) with the official MCP SDK server, invoked through the
 * host's normal invocation path. See README.md in this folder for the sources and what is left.
 *
 * The webhook is the Functions host's extension route `runtime/webhooks/{extensionName}/{*extra}`
 * (azure-functions-host HostController.ExtensionWebHookHandler): GET, POST and DELETE, authorized with
 * the extension's system key `mcp_extension` or the master key, as `x-functions-key` or `?code=`
 * (401 otherwise), unless host.json sets extensions.mcp.system.webhookAuthorizationLevel to "Anonymous".
 * With no MCP function registered the extension is not loaded and the route answers 404.
 */
import type http from 'node:http';
import type { AppInvoker } from '../types.js';
import { isAuthorized, presentedKey, type HostKeys } from '../server/keys.js';
import { BodyTooLarge, createId, sendEmpty, sendJson } from './http.js';
import { readMcpOptions, type McpOptions } from './options.js';
import { readRegistry, type McpRegistry } from './registry.js';
import { createSseSessions } from './sse.js';
import { handleStreamable } from './streamable.js';

export const MCP_WEBHOOK_PATH = '/runtime/webhooks/mcp';

export interface McpEndpointOptions {
  appDir: string;
  invoker: AppInvoker;
  keys: HostKeys;
  /** The extension's system key (`mcp_extension`). */
  extensionKey: string;
  log: (line: string) => void;
}

export interface McpEndpoint {
  readonly registry: McpRegistry;
  readonly options: McpOptions;
  /** Whether the path (lower-cased) is the MCP webhook's. */
  matches(lowerPath: string): boolean;
  handle(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void>;
  /** Ends the open SSE streams (host shutdown). */
  close(): void;
}

export function createMcpEndpoint(opts: McpEndpointOptions): McpEndpoint {
  const registry = readRegistry(opts.invoker.functions);
  const options = readMcpOptions(opts.appDir);
  const deps = { registry, invoker: opts.invoker, options, log: opts.log, instanceId: createId() };
  const sse = createSseSessions(deps);
  const mcpKeys: HostKeys = { ...opts.keys, systemKey: opts.extensionKey };

  async function route(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    if (!['GET', 'POST', 'DELETE'].includes(req.method ?? '')) return sendEmpty(res, 405);
    if (
      options.webhookAuthorizationLevel !== 'Anonymous' &&
      !isAuthorized('system', presentedKey(req.headers, url), mcpKeys)
    )
      return sendEmpty(res, 401);
    if (registry.empty) return sendEmpty(res, 404);
    // DefaultRequestHandler / SseRequestHandler.IsLegacySseRequest: the path's end decides.
    const tail = url.pathname.replace(/\/+$/, '').toLowerCase();
    if (tail.endsWith('sse')) return sse.handleSse(req, res, url);
    if (tail.endsWith('message')) return sse.handleMessage(req, res, url);
    return handleStreamable(req, res, deps);
  }

  return {
    registry,
    options,
    matches: (lower) => lower === MCP_WEBHOOK_PATH || lower.startsWith(`${MCP_WEBHOOK_PATH}/`),
    async handle(req, res, url) {
      try {
        await route(req, res, url);
      } catch (err) {
        if (err instanceof BodyTooLarge) {
          if (!res.headersSent)
            sendJson(res, 413, { error: 'payload_too_large', details: 'Request body too large.' });
          return;
        }
        opts.log(
          `[mcp] ${req.method} ${url.pathname} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
        );
        if (!res.headersSent) sendEmpty(res, 500);
        else res.destroy();
      }
    },
    close: () => sse.closeAll(),
  };
}
