/**
 * Delivery of a JSON message to an outside system (analyst pager, core banking, customer notices).
 * The idempotency key travels as a header so a receiver can drop the repeats that at-least-once
 * activities may produce. A non-2xx answer throws, so the durable retry policy takes over.
 */
export interface Delivery {
  url: string;
  idempotencyKey: string;
  payload: unknown;
  timeoutMs?: number;
}

export async function deliver({
  url,
  idempotencyKey,
  payload,
  timeoutMs = 10_000,
}: Delivery): Promise<number> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
    body: JSON.stringify(payload),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!res.ok) throw new Error(`webhook ${new URL(url).host} answered ${res.status}`);
  return res.status;
}
