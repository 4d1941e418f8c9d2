import { HttpRequest } from '@azure/functions';

/** A request as the worker would build it, for helpers that read headers and the body stream. */
export function jsonRequest(
  body: string | Uint8Array | undefined,
  headers: Record<string, string> = { 'content-type': 'application/json' },
): HttpRequest {
  return new HttpRequest({
    method: 'POST',
    url: 'http://localhost:7071/api/test',
    headers,
    ...(body === undefined ? {} : { body: typeof body === 'string' ? { string: body } : { bytes: body } }),
  });
}

/** A body stream that yields `chunks` and never declares a length. */
export function streamSource(
  chunks: Uint8Array[],
  headers: Record<string, string> = { 'content-type': 'application/json' },
) {
  let pulled = 0;
  return {
    headers: new Headers(headers),
    get pulled() {
      return pulled;
    },
    body: new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks[pulled++];
        if (next) controller.enqueue(next);
        else controller.close();
      },
    }),
  };
}
