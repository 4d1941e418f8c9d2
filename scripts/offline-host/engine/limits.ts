/**
 * The Durable Task Scheduler's limits, enforced where DTS would refuse the payload, so that an app that
 * would break on DTS breaks offline first, with a message that names the limit:
 * - 1 MB per payload: orchestration input and output, activity input and output, event payload,
 *   custom status, entity operation input and entity state (JavaScript has no large-payload offload);
 * - instance ids of at most 100 printable ASCII characters, not starting with '@'.
 * (shared/reference/azure-facts.md, "Limits (DTS)".) How DTS refuses is not public for the extension's
 * path: orchestrator-side payloads fail the instance as durabletask-dotnet's worker does for an oversized
 * action (GrpcDurableTaskWorker.Processor.ValidateActionsSize: a non-retriable failure); an activity's
 * result fails the activity; an entity batch is rolled back; client calls are refused by the API.
 */

export const MAX_PAYLOAD_BYTES = 1024 * 1024;
export const MAX_INSTANCE_ID_LENGTH = 100;

export class LimitError extends Error {
  override name = 'DurableTaskSchedulerLimitException';
}

/** A message naming the limit when `json` is over it; undefined when it fits. */
export function payloadProblem(
  what: string,
  json: string | null | undefined,
  max = MAX_PAYLOAD_BYTES,
): string | undefined {
  if (json === null || json === undefined) return undefined;
  const bytes = Buffer.byteLength(json, 'utf8');
  if (bytes <= max) return undefined;
  return (
    `${what} is ${bytes.toLocaleString('en-US')} bytes; the Durable Task Scheduler accepts at most ` +
    `${max.toLocaleString('en-US')} bytes (1 MB) per payload, and durable-functions has no large-payload offload. ` +
    'Keep the data elsewhere (a blob, a record) and pass its reference.'
  );
}

export function checkPayload(what: string, json: string | null | undefined, max = MAX_PAYLOAD_BYTES): void {
  const problem = payloadProblem(what, json, max);
  if (problem) throw new LimitError(problem);
}

/** DTS's instance id rule (the extension itself only refuses '@', '/', '\', '#', '?', control characters and > 256). */
export function instanceIdProblem(id: string): string | undefined {
  if (id.length > MAX_INSTANCE_ID_LENGTH)
    return `Instance id '${id.slice(0, 40)}…' is ${id.length} characters; the Durable Task Scheduler accepts at most ${MAX_INSTANCE_ID_LENGTH}.`;
  if (!/^[\x20-\x7e]*$/.test(id))
    return `Instance id '${id}' has characters other than printable ASCII, which the Durable Task Scheduler does not accept.`;
  if (id.startsWith('@')) return `Instance id '${id}' starts with '@', which is reserved for entities.`;
  return undefined;
}
