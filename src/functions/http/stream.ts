import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { badRequest } from '../../api/errors';
import { ApiRoutes } from '../../api/routes';
import { registerRoute } from './register';
import { BUS_EVENT_TYPES, bus, type BusEventType } from '../../events/bus';
import { sseStream } from '../../events/sse';

export const HEARTBEAT_MS = 15_000;
/** Streams end after this and clients reconnect with Last-Event-ID (see sseStream's maxLifetimeMs). */
export const STREAM_LIFETIME_MS = 5 * 60_000;

/** `?types=alert,case` → the types, or 400 naming the unknown ones. */
export function parseStreamTypes(value: string | null): BusEventType[] | undefined {
  if (value === null || value.trim() === '') return undefined;
  const types = value.split(',').map((t) => t.trim());
  const unknown = types.filter((t) => !(BUS_EVENT_TYPES as readonly string[]).includes(t));
  if (unknown.length > 0) {
    throw badRequest(
      `unknown event type(s): ${unknown.map((t) => `'${t.slice(0, 40)}'`).join(', ')}; use ${BUS_EVENT_TYPES.join(', ')}`,
      [{ path: 'types', message: `one or more of ${BUS_EVENT_TYPES.join(', ')}` }],
    );
  }
  return types as BusEventType[];
}

/**
 * GET /api/stream: server-sent events (telemetry, alert, case). `Last-Event-ID` (or `?lastEventId=`,
 * for clients that cannot set headers) resumes from the in-process buffer. Needs
 * `app.setup({ enableHttpStream: true })`. Events are those this process saw (see src/events/bus.ts).
 */
export async function streamHttp(
  request: HttpRequest,
  _context: InvocationContext,
): Promise<HttpResponseInit> {
  const types = parseStreamTypes(request.query.get('types'));
  const fromId = request.headers.get('last-event-id') ?? request.query.get('lastEventId') ?? undefined;
  return {
    status: 200,
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
    },
    body: sseStream(bus, { fromId, types, heartbeatMs: HEARTBEAT_MS, maxLifetimeMs: STREAM_LIFETIME_MS }),
  };
}

registerRoute(ApiRoutes.stream, streamHttp, { durableClient: false });
