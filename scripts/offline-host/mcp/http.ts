/** Small HTTP helpers of the MCP webhook: bodies, request headers as the extension sees them, replies. */
import type http from 'node:http';
import { randomInt } from 'node:crypto';
import { BodyTooLarge, readBody as readRequestBody } from '../server/http-io.js';
import { MAX_REQUEST_BODY_BYTES } from '../server/http-server.js';

export { BodyTooLarge };

/** The body under the host's request limit (the front door's reader; BodyTooLarge beyond it). */
export function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return readRequestBody(req, MAX_REQUEST_BODY_BYTES);
}

/**
 * Request headers with their names as the client sent them, repeated headers joined with ',' — the
 * dictionary McpTriggerTransportHelper builds (`string.Join(",", h.Value)`, names ignoring case).
 */
export function requestHeaders(req: http.IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  const seen = new Map<string, string>();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] as string;
    const value = req.rawHeaders[i + 1] as string;
    const first = seen.get(name.toLowerCase());
    if (first === undefined) {
      seen.set(name.toLowerCase(), name);
      out[name] = value;
    } else out[first] = `${out[first]},${value}`;
  }
  return out;
}

export function header(req: http.IncomingMessage, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** An empty reply with a status (401, 404, 405 as the host gives them). */
export function sendEmpty(
  res: http.ServerResponse,
  status: number,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { ...headers, 'Content-Length': '0' });
  res.end();
}

/** ASP.NET Results.Json / Results.BadRequest(value): the value as JSON. */
export function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}

const ID_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789';
/** Utility.CreateId: 16 characters of [a-z0-9]. */
export function createId(): string {
  let id = '';
  for (let i = 0; i < 16; i++) id += ID_CHARS[randomInt(ID_CHARS.length)];
  return id;
}

/**
 * ClientStateManager: `clientId|instanceId`, kept plain under Core Tools (and so offline); in Azure the
 * extension encrypts it. Parsing splits on '|' dropping empty parts and wants exactly two.
 */
export function formatClientState(clientId: string, instanceId: string): string {
  return `${clientId}|${instanceId}`;
}
export function parseClientState(state: string): { clientId: string; instanceId: string } | undefined {
  const parts = state.split('|').filter((p) => p !== '');
  return parts.length === 2 ? { clientId: parts[0] as string, instanceId: parts[1] as string } : undefined;
}

/** JSON request body → value; `undefined` when it is not JSON (the extension's reader throws: 500). */
export function parseJsonBody(body: Buffer): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(body.toString('utf8')) as unknown };
  } catch {
    return { ok: false };
  }
}

/** HttpRequest.ReadFromJsonAsync accepts application/json and any `+json` type only. */
export function isJsonContentType(value: string | undefined): boolean {
  const type = (value ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || /^[a-z]+\/[^;]+\+json$/.test(type);
}
