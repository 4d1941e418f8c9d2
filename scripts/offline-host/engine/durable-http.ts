/**
 * callHttp as the Durable extension carries it: the orchestrator's DurableHttpRequest becomes the input
 * of the built-in activity `BuiltIn::HttpActivity`, whose result is a serialized DurableHttpResponse.
 * Sources (azure-functions-durable-extension @ a7c6d69, src/WebJobs.Extensions.DurableTask/):
 * DurableHttpRequest.cs (JSON names, asynchronousPatternEnabled defaults to true, token sources with
 * `kind: "AzureManagedIdentity"`), DurableHttpResponse.cs (statusCode, headers, content — response
 * headers only, not content headers), HttpHeadersConverter.cs (one value → string, several → array),
 * Options/HttpOptions.cs (`BuiltIn::HttpActivity`), DurableOrchestrationContext.CreateLocationPollRequest
 * (polls are GETs of Location with the same headers minus x-functions-key).
 */
import type { HistoryEvent } from '../types.js';

export const HTTP_ACTIVITY = 'BuiltIn::HttpActivity';

export type HeaderValues = Record<string, string | string[]>;

/** DurableHttpRequest as the extension serializes it (the activity's input). */
export interface ExtensionHttpRequest {
  method: string;
  uri: string;
  headers: HeaderValues;
  content: string | null;
  tokenSource: { kind: string; resource?: string; options?: unknown } | null;
  asynchronousPatternEnabled: boolean;
  retryOptions: null;
  timeout: null;
}

export interface DurableHttpResponseJson {
  statusCode: number;
  headers: HeaderValues;
  content: string | null;
}

/** The library's request (method, uri, content, headers, tokenSource, asynchronousPatternEnabled) as the extension reads it. */
export function toExtensionRequest(raw: unknown): ExtensionHttpRequest {
  const r = (raw ?? {}) as Record<string, unknown>;
  const headers: HeaderValues = {};
  if (r.headers && typeof r.headers === 'object') {
    for (const [k, v] of Object.entries(r.headers as Record<string, unknown>)) {
      headers[k] = Array.isArray(v) ? v.map(String) : String(v);
    }
  }
  const token = r.tokenSource as ExtensionHttpRequest['tokenSource'] | undefined;
  return {
    method: typeof r.method === 'string' ? r.method : 'GET',
    uri: String(r.uri ?? ''),
    headers,
    content: typeof r.content === 'string' ? r.content : null,
    tokenSource: token && typeof token === 'object' ? token : null,
    asynchronousPatternEnabled: r.asynchronousPatternEnabled !== false,
    retryOptions: null,
    timeout: null,
  };
}

export function pollRequest(request: ExtensionHttpRequest, location: string): ExtensionHttpRequest {
  const headers = Object.fromEntries(
    Object.entries(request.headers).filter(([k]) => k.toLowerCase() !== 'x-functions-key'),
  );
  return {
    ...request,
    method: 'GET',
    uri: location,
    headers,
    content: null,
    asynchronousPatternEnabled: true,
  };
}

export function parseHttpResult(event: HistoryEvent): {
  statusCode: number;
  header(name: string): string | undefined;
} {
  const response = JSON.parse(String(event.Result)) as DurableHttpResponseJson;
  return {
    statusCode: response.statusCode,
    header(name) {
      const key = Object.keys(response.headers ?? {}).find((k) => k.toLowerCase() === name.toLowerCase());
      const value = key === undefined ? undefined : response.headers[key];
      return Array.isArray(value) ? value.join(',') : value;
    },
  };
}
