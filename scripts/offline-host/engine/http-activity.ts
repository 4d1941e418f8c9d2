/**
 * The built-in HTTP activity (`BuiltIn::HttpActivity`) that carries out context.df.callHttp, as the
 * extension's TaskHttpActivityShim does (azure-functions-durable-extension @ a7c6d69,
 * src/WebJobs.Extensions.DurableTask/Listener/TaskHttpActivityShim.cs): a Content-Type header becomes the
 * content's type (text/plain when there is content and none), multipart is refused, redirects are
 * followed as HttpClient does, and the response keeps only response headers (HttpResponseMessage.Headers,
 * not content headers such as Content-Type). A managed-identity token source cannot be served offline:
 * the call fails with a message that says so.
 */
import http from 'node:http';
import https from 'node:https';
import { FunctionError } from '../types.js';
import type { DurableHttpResponseJson, ExtensionHttpRequest, HeaderValues } from './durable-http.js';

/** HttpContentHeaders in .NET: these never appear in DurableHttpResponse.headers. */
const CONTENT_HEADERS = new Set([
  'allow',
  'content-disposition',
  'content-encoding',
  'content-language',
  'content-length',
  'content-location',
  'content-md5',
  'content-range',
  'content-type',
  'expires',
  'last-modified',
]);
/** HttpClient's default Timeout. */
const TIMEOUT_MS = 100_000;
const MAX_REDIRECTS = 50;

export async function runHttpActivity(request: ExtensionHttpRequest): Promise<DurableHttpResponseJson> {
  if (request.tokenSource) {
    const resource = request.tokenSource.resource ?? '(no resource)';
    throw new FunctionError(
      `callHttp asked for a managed identity token for '${resource}' (tokenSource ${request.tokenSource.kind}). ` +
        'The offline host has no managed identity, so no token can be obtained: in Azure the extension gets it from ' +
        "the app's identity. Offline, call an endpoint that needs no token, or pass credentials in headers from a setting.",
      'CredentialUnavailableException',
    );
  }
  let contentType = '';
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (name.toLowerCase() === 'content-type') {
      for (const v of Array.isArray(value) ? value : [value]) {
        if (v.includes('multipart'))
          throw new FunctionError(
            'Multipart content is not supported with CallHttpAsync.',
            'FunctionFailedException',
          );
        contentType = v;
      }
    } else headers[name] = value;
  }
  let body: Buffer | undefined;
  if (request.content !== null) {
    body = Buffer.from(request.content, 'utf8');
    headers['Content-Type'] = contentType || 'text/plain';
    headers['Content-Length'] = String(body.length);
  }
  let url: URL;
  try {
    url = new URL(request.uri);
  } catch {
    throw new FunctionError(
      `An invalid request URI was provided: '${request.uri}'.`,
      'InvalidOperationException',
    );
  }
  return send(request.method.toUpperCase(), url, headers, body, 0);
}

function send(
  method: string,
  url: URL,
  headers: Record<string, string | string[]>,
  body: Buffer | undefined,
  redirects: number,
): Promise<DurableHttpResponseJson> {
  return new Promise((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    const req = client.request(url, { method, headers, timeout: TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (err) => reject(httpError(err)));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        const location = res.headers.location;
        if (location && [301, 302, 303, 307, 308].includes(status) && redirects < MAX_REDIRECTS) {
          const next = new URL(location, url);
          // HttpClient never follows https → http.
          if (!(url.protocol === 'https:' && next.protocol === 'http:')) {
            const keepMethod = status === 307 || status === 308 || (status !== 303 && method === 'HEAD');
            const nextHeaders = { ...headers };
            if (!keepMethod) {
              delete nextHeaders['Content-Type'];
              delete nextHeaders['Content-Length'];
            }
            resolve(
              send(
                keepMethod ? method : 'GET',
                next,
                nextHeaders,
                keepMethod ? body : undefined,
                redirects + 1,
              ),
            );
            return;
          }
        }
        resolve({
          statusCode: status,
          headers: responseHeaders(res.rawHeaders),
          content: Buffer.concat(chunks).toString('utf8'),
        });
      });
    });
    req.on('timeout', () =>
      req.destroy(
        new FunctionError(
          `The request was canceled due to the configured HttpClient.Timeout of ${TIMEOUT_MS / 1000} seconds elapsing.`,
          'TaskCanceledException',
        ),
      ),
    );
    req.on('error', (err) => reject(httpError(err)));
    req.end(body);
  });
}

function responseHeaders(raw: readonly string[]): HeaderValues {
  const out: HeaderValues = {};
  const keyOf = new Map<string, string>();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    const value = raw[i + 1] as string;
    const lower = name.toLowerCase();
    if (CONTENT_HEADERS.has(lower)) continue;
    const key = keyOf.get(lower);
    if (key === undefined) {
      keyOf.set(lower, name);
      out[name] = value;
    } else {
      const prev = out[key] as string | string[];
      out[key] = Array.isArray(prev) ? [...prev, value] : [prev, value];
    }
  }
  return out;
}

/** HttpRequestException: the activity fails with the transport's message. */
function httpError(err: unknown): FunctionError {
  if (err instanceof FunctionError) return err;
  const e = err as NodeJS.ErrnoException;
  return new FunctionError(e.message ?? String(err), 'HttpRequestException');
}
