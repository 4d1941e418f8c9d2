import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AppInvoker, HttpResponseData } from '../types.js';
import { WEBHOOK_PATH } from './client-binding.js';
import type { ApiRequest, ApiResponse } from './durable-api.js';
import type { HttpRouteTable } from './http-routes.js';
import { BodyTooLarge, flatHeaders, readBody, requestUrl, sendJson } from './http-io.js';
import type { McpEndpoint } from '../mcp/index.js';
import { isAuthorized, presentedKey, unauthorizedBody, type HostKeys } from './keys.js';

/** The Functions host's request body limit (Kestrel MaxRequestBodySize); larger bodies get 413. */
export const MAX_REQUEST_BODY_BYTES = 100 * 1024 * 1024;

export interface FrontDoorDeps {
  invoker: AppInvoker;
  routes: HttpRouteTable;
  keys: HostKeys;
  durableApi: (req: ApiRequest) => Promise<ApiResponse>;
  /** `POST /admin/functions/{name}` (master key) runs a non-HTTP function, as the host's admin API does. */
  runTimer: (name: string) => Promise<void>;
  log: (line: string) => void;
  maxBodyBytes?: number;
  /** The MCP extension's webhook (/runtime/webhooks/mcp), served by ../mcp. */
  mcp?: Pick<McpEndpoint, 'matches' | 'handle'>;
}

export interface FrontDoor {
  readonly server: http.Server;
  listen(port: number, host: string): Promise<{ port: number }>;
  close(): Promise<void>;
}

/** Writes chunks as they come (server-sent events), honouring backpressure; stops when the client leaves. */
async function pipeStream(res: http.ServerResponse, body: AsyncIterable<Uint8Array>): Promise<void> {
  res.flushHeaders();
  const iterator = body[Symbol.asyncIterator]();
  const closed = new Promise<'closed'>((resolve) => res.once('close', () => resolve('closed')));
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), closed]);
      if (next === 'closed') break;
      if (next.done) break;
      if (!res.write(next.value)) {
        if (
          (await Promise.race([new Promise<'drain'>((r) => res.once('drain', () => r('drain'))), closed])) ===
          'closed'
        )
          break;
      }
    }
  } finally {
    // Tell the producer the consumer is gone (cancels a ReadableStream); do not wait for it.
    if (res.destroyed || !res.writableEnded) void Promise.resolve(iterator.return?.()).catch(() => undefined);
    if (!res.writableEnded) res.end();
  }
}

async function sendFunctionResponse(res: http.ServerResponse, out: HttpResponseData): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of out.headers) {
    const key = k.toLowerCase();
    const existing = headers[key];
    if (existing === undefined) headers[key] = v;
    else
      headers[key] = Array.isArray(existing)
        ? [...existing, v]
        : key === 'set-cookie'
          ? [existing, v]
          : `${existing}, ${v}`;
  }
  if (out.body === undefined || Buffer.isBuffer(out.body)) {
    const body = out.body ?? Buffer.alloc(0);
    headers['content-length'] = String(body.length);
    res.writeHead(out.status, headers);
    res.end(body);
    return;
  }
  delete headers['content-length'];
  res.writeHead(out.status, headers);
  await pipeStream(res, out.body);
}

export function createFrontDoor(deps: FrontDoorDeps): FrontDoor {
  const limit = deps.maxBodyBytes ?? MAX_REQUEST_BODY_BYTES;

  async function handleDurable(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
    below: string,
  ): Promise<void> {
    const body = await readBody(req, limit);
    const out = await deps.durableApi({
      method: req.method ?? 'GET',
      url: url.href,
      path: below,
      query: url.searchParams,
      headers: flatHeaders(req),
      body,
    });
    sendJson(res, out.status, out.json, out.headers);
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = requestUrl(req);
    if (!url) return sendJson(res, 400, { error: 'bad_request', details: 'Malformed request target.' });
    const method = (req.method ?? 'GET').toUpperCase();
    const pathname = url.pathname;
    const lower = pathname.toLowerCase();

    // The durable client's channel is not on this port (see rpc-channel.ts): `/durabletask/...` is a 404 here.
    if (deps.mcp?.matches(lower)) return deps.mcp.handle(req, res, url);
    if (lower === WEBHOOK_PATH || lower.startsWith(`${WEBHOOK_PATH}/`)) {
      const key = presentedKey(req.headers, url);
      if (!isAuthorized('system', key, deps.keys)) return sendJson(res, 401, unauthorizedBody('system', key));
      return handleDurable(req, res, url, pathname.slice(WEBHOOK_PATH.length + 1));
    }
    const admin = /^\/admin\/functions\/([^/]+)$/i.exec(pathname);
    if (admin && method === 'POST') {
      const key = presentedKey(req.headers, url);
      if (!isAuthorized('admin', key, deps.keys)) return sendJson(res, 401, unauthorizedBody('admin', key));
      const name = decodeURIComponent(admin[1] as string);
      const fn = deps.invoker.functions.find((f) => f.name.toLowerCase() === name.toLowerCase());
      if (!fn) return sendJson(res, 404, undefined);
      if (fn.trigger !== 'timerTrigger')
        return sendJson(res, 400, {
          error: 'unsupported_trigger',
          details: `The offline host's admin API runs timer triggers only; '${fn.name}' is a ${fn.trigger}.`,
        });
      await readBody(req, limit);
      void deps.runTimer(fn.name);
      return sendJson(res, 202, undefined);
    }

    const match = deps.routes.match(method, pathname);
    if (match.kind === 'not-found') return sendJson(res, 404, undefined);
    if (match.kind === 'method-not-allowed') {
      return sendJson(
        res,
        405,
        {
          error: 'method_not_allowed',
          details: `${method} is not allowed on ${pathname}; allowed: ${match.allowed.join(', ')}.`,
        },
        { Allow: match.allowed.join(', ') },
      );
    }
    const level = match.fn.authLevel ?? 'function';
    const key = presentedKey(req.headers, url);
    if (level !== 'anonymous' && !isAuthorized(level, key, deps.keys))
      return sendJson(res, 401, unauthorizedBody(level, key));

    const body = await readBody(req, limit);
    let out: HttpResponseData;
    try {
      out = await deps.invoker.invokeHttp(match.fn.name, {
        method,
        url: url.href,
        headers: flatHeaders(req),
        body: body.length > 0 ? body : undefined,
        params: match.params,
      });
    } catch (err) {
      // The host answers an unhandled function error with an empty 500 and logs it.
      deps.log(
        `[http] ${match.fn.name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      );
      return sendJson(res, 500, undefined);
    }
    await sendFunctionResponse(res, out);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (err instanceof BodyTooLarge) {
        if (!res.headersSent)
          sendJson(
            res,
            413,
            { error: 'payload_too_large', details: `Request bodies are limited to ${limit} bytes.` },
            { Connection: 'close' },
          );
        return;
      }
      deps.log(
        `[http] ${req.method} ${req.url} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      );
      if (!res.headersSent) sendJson(res, 500, undefined);
      else res.destroy();
    });
  });

  return {
    server,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        const failed = (err: NodeJS.ErrnoException) =>
          reject(
            err.code === 'EADDRINUSE'
              ? new Error(
                  `Port ${port} on ${host} is already in use (func start or another offline host?). Stop it, or pass another port (0 picks a free one).`,
                  { cause: err },
                )
              : err,
          );
        server.once('error', failed);
        server.listen(port, host, () => {
          server.off('error', failed);
          resolve({ port: (server.address() as AddressInfo).port });
        });
      });
    },
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
