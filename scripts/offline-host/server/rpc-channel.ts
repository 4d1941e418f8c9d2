/**
 * The durable client's RPC channel: the Durable HTTP API for the app's own `df.getClient` calls.
 *
 * The extension serves it on a separate loopback listener (LocalHttpListener: `http://127.0.0.1:17071/durabletask/`,
 * another port in 30000-31000 when that one is taken), keyless. The offline host does the same on its own
 * loopback port (chosen by the OS, so parallel hosts never collide) and goes further, because a developer's
 * browser shares the machine: the binding's `rpcBaseUrl` carries a per-process secret as a path segment
 * (the client resolves relative paths against it, so every call carries it), and a request is refused when
 *   - its path does not start with `/durabletask/<secret>/` (404, nothing said about why),
 *   - it comes from a browser (`Origin` or `Sec-Fetch-*` headers: the Node client never sends them) (403),
 *   - its Host is not this listener's own address (DNS rebinding) (403).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApiRequest, ApiResponse } from './durable-api.js';
import { flatHeaders, readBody, requestUrl, sendJson } from './http-io.js';

export const RPC_PREFIX = '/durabletask/';

export interface RpcChannel {
  /** e.g. `http://127.0.0.1:41234/durabletask/<secret>/` (the trailing slash matters to the client). */
  readonly baseUrl: string;
  close(): Promise<void>;
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Why a request may not use the channel, or undefined when it may. */
export function refusal(
  headers: http.IncomingHttpHeaders,
  expectedHost: string,
): { status: number; reason: string } | undefined {
  if (headers.origin !== undefined || Object.keys(headers).some((h) => h.startsWith('sec-fetch-')))
    return { status: 403, reason: 'browser requests are refused on the durable client channel' };
  if ((headers.host ?? '').toLowerCase() !== expectedHost)
    return { status: 403, reason: `the durable client channel answers only as ${expectedHost}` };
  return undefined;
}

export async function startRpcChannel(opts: {
  durableApi: (req: ApiRequest) => Promise<ApiResponse>;
  log: (line: string) => void;
  maxBodyBytes: number;
  /** Default: 32 random bytes, base64url. */
  secret?: string;
}): Promise<RpcChannel> {
  const secret = opts.secret ?? randomBytes(32).toString('base64url');
  let expectedHost = '';

  const server = http.createServer((req, res) => {
    void (async () => {
      const refused = refusal(req.headers, expectedHost);
      if (refused) return sendJson(res, refused.status, { error: 'forbidden', details: refused.reason });
      const url = requestUrl(req);
      if (!url) return sendJson(res, 400, undefined);
      const pathname = url.pathname;
      const rest = pathname.startsWith(RPC_PREFIX) ? pathname.slice(RPC_PREFIX.length) : '';
      const slash = rest.indexOf('/');
      if (slash < 0 || !sameText(rest.slice(0, slash), secret)) return sendJson(res, 404, undefined);
      const body = await readBody(req, opts.maxBodyBytes);
      const out = await opts.durableApi({
        method: req.method ?? 'GET',
        url: url.href,
        path: rest.slice(slash + 1),
        query: url.searchParams,
        headers: flatHeaders(req),
        body,
      });
      sendJson(res, out.status, out.json, out.headers);
    })().catch((err: unknown) => {
      opts.log(
        `[rpc] ${req.method} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      );
      if (!res.headersSent) sendJson(res, 500, undefined);
      else res.destroy();
    });
  });

  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
  expectedHost = `127.0.0.1:${port}`;
  return {
    baseUrl: `http://${expectedHost}${RPC_PREFIX}${secret}/`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
