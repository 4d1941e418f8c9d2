/**
 * HTTP triggers. Without streaming the worker passes the request as RpcHttp and reads the response
 * from the `$return` RpcHttp. With `app.setup({ enableHttpStream: true })` the library instead runs its
 * own HTTP proxy: the host forwards the raw request there (tagged with the invocation id) and the
 * response, streamed bodies included, comes back on that connection. Both are reproduced here.
 */
import http from 'node:http';
import { HTTP_PROXY } from '../library-adapter.js';
import type { HttpRequestData, HttpResponseData } from '../types.js';
import type { CoreInvocationResponse, RpcHttpCookie, RpcHttpData, RpcTypedData } from './core-stand-in.js';

export function toRpcHttpRequest(request: HttpRequestData): RpcTypedData {
  const url = new URL(request.url);
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams) query[key] = value;
  const rpc: RpcHttpData = {
    method: request.method.toUpperCase(),
    url: request.url,
    headers: { ...request.headers },
    query,
    params: { ...request.params },
  };
  if (request.body && request.body.length > 0) rpc.body = { bytes: new Uint8Array(request.body) };
  return { http: rpc };
}

/** Trigger metadata the streaming path reads headers and route params from. */
export function httpTriggerMetadata(request: HttpRequestData): Record<string, RpcTypedData> {
  const metadata: Record<string, RpcTypedData> = { Headers: { json: JSON.stringify(request.headers) } };
  for (const [key, value] of Object.entries(request.params)) metadata[key] = { string: value };
  return metadata;
}

export function fromRpcHttpResponse(response: CoreInvocationResponse): HttpResponseData {
  const data = response.returnValue ?? response.outputData?.find((o) => o.name === '$return')?.data;
  const rpc = data?.http;
  if (!rpc) return { status: 204, headers: [] };
  const headers: Array<[string, string]> = Object.entries(rpc.headers ?? {});
  for (const cookie of rpc.cookies ?? []) headers.push(['set-cookie', serializeCookie(cookie)]);
  const body = rpc.body;
  let bytes: Buffer | undefined;
  if (body?.bytes) bytes = Buffer.from(body.bytes);
  else if (body?.string !== undefined) bytes = Buffer.from(body.string);
  return { status: Number(rpc.statusCode ?? 200), headers, body: bytes };
}

function serializeCookie(cookie: RpcHttpCookie): string {
  const parts = [`${cookie.name ?? ''}=${cookie.value ?? ''}`];
  if (cookie.domain?.value) parts.push(`Domain=${cookie.domain.value}`);
  if (cookie.path?.value) parts.push(`Path=${cookie.path.value}`);
  if (cookie.maxAge?.value !== undefined) parts.push(`Max-Age=${cookie.maxAge.value}`);
  if (cookie.secure?.value) parts.push('Secure');
  if (cookie.httpOnly?.value) parts.push('HttpOnly');
  return parts.join('; ');
}

const HOP_BY_HOP = new Set([HTTP_PROXY.invocationHeader, 'connection', 'keep-alive', 'transfer-encoding']);
/** Request headers that belong to the client's connection, not to the forwarded request (as a proxy drops them). */
const HOP_BY_HOP_REQUEST = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'te',
  'upgrade',
  'host',
]);

/**
 * Forwards a request to the library's streaming proxy and resolves with the response head; the body
 * stays a stream (server-sent events pass through as they are written).
 */
export function sendToStreamProxy(
  proxyUri: string,
  invocationId: string,
  request: HttpRequestData,
): { response: Promise<HttpResponseData>; abort(): void } {
  const target = new URL(request.url);
  const proxy = new URL(proxyUri);
  let req: http.ClientRequest | undefined;
  const response = new Promise<HttpResponseData>((resolve, reject) => {
    req = http.request(
      {
        host: proxy.hostname,
        port: proxy.port,
        method: request.method.toUpperCase(),
        path: `${target.pathname}${target.search}`,
        // A connection of its own per request: a function that stops reading its body (or cancels it)
        // makes the library destroy that connection, and a pooled one would take the next request down
        // with it (ECONNRESET → 500). Loopback connects cost microseconds.
        agent: false,
        headers: {
          ...Object.fromEntries(
            Object.entries(request.headers).filter(([k]) => !HOP_BY_HOP_REQUEST.has(k.toLowerCase())),
          ),
          [HTTP_PROXY.invocationHeader]: invocationId,
          'x-forwarded-host': target.host,
          'x-forwarded-proto': target.protocol.replace(':', ''),
        },
      },
      (res) => {
        const headers: Array<[string, string]> = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          const name = res.rawHeaders[i] ?? '';
          // Hop-by-hop headers belong to the proxy connection, not to the function's response.
          if (!HOP_BY_HOP.has(name.toLowerCase())) headers.push([name, res.rawHeaders[i + 1] ?? '']);
        }
        resolve({ status: res.statusCode ?? 500, headers, body: res });
      },
    );
    req.on('error', reject);
    if (request.body && request.body.length > 0) req.write(request.body);
    req.end();
  });
  return { response, abort: () => req?.destroy() };
}
