import * as df from 'durable-functions';
import type { z } from 'zod';
import { isFailed, isFinished } from './status';
import { startOrchestration, type OrchestrationContract } from './typed';

/**
 * Small adapters over the durable client for HTTP handlers and activities: "not found" as undefined
 * instead of an exception, start-once, bounded waits, entity reads that tolerate a missing entity.
 */

/** The fields of DurableOrchestrationStatus the app reads (getStatusBy returns them as plain JSON). */
export interface InstanceLike {
  name: string;
  instanceId: string;
  createdTime: Date | string;
  lastUpdatedTime: Date | string;
  input?: unknown;
  output?: unknown;
  runtimeStatus: string;
  customStatus?: unknown;
}

/** getStatus that answers undefined for an unknown instance (the client throws on the extension's 404). */
export async function findInstance(
  client: df.DurableClient,
  instanceId: string,
  showInput = true,
): Promise<InstanceLike | undefined> {
  try {
    const s = await client.getStatus(instanceId, { showInput });
    // Some backends answer an unknown id with an empty status instead of a 404.
    if (!s || !s.instanceId || !s.name) return undefined;
    return s as unknown as InstanceLike;
  } catch (err) {
    if (err instanceof Error && /\b404\b/.test(err.message)) return undefined;
    throw err;
  }
}

/**
 * Starts `name` as `instanceId` unless that instance exists (a retried request). Two concurrent requests
 * can both see no instance; the loser's start fails (or, on some backends, would replace the instance),
 * so a failed start that finds the instance afterwards counts as `existing`.
 */
export async function startOnce<C extends OrchestrationContract>(
  client: df.DurableClient,
  contract: C,
  instanceId: string,
  input: z.input<C['input']>,
): Promise<'started' | 'existing'> {
  const existing = await findInstance(client, instanceId, false);
  // A failed or terminated run of the same content is started again: resending a batch is the remedy
  // the telemetry answer offers for a failed ingest, so it must not be a no-op.
  if (existing && !isFailed(existing.runtimeStatus)) return 'existing';
  try {
    await startOrchestration(client, contract, instanceId, input);
    return 'started';
  } catch (err) {
    if (await findInstance(client, instanceId, false)) return 'existing';
    throw err;
  }
}

/** Polls until every instance has finished or `timeoutMs` passed; returns the finished ones. */
export async function waitForInstances(
  client: df.DurableClient,
  instanceIds: readonly string[],
  timeoutMs: number,
): Promise<Map<string, InstanceLike>> {
  const done = new Map<string, InstanceLike>();
  const deadline = Date.now() + timeoutMs;
  let delay = 20;
  for (;;) {
    const open = instanceIds.filter((id) => !done.has(id));
    const statuses = await Promise.all(open.map((id) => findInstance(client, id, false)));
    statuses.forEach((s, i) => {
      if (s && isFinished(s.runtimeStatus)) done.set(open[i] as string, s);
    });
    if (done.size === instanceIds.length || Date.now() >= deadline) return done;
    await new Promise((r) => setTimeout(r, Math.min(delay, Math.max(0, deadline - Date.now()))));
    delay = Math.min(delay * 2, 250);
  }
}
