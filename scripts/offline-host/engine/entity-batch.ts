/**
 * Entity batches: the request the entity function gets and what its result means (responses to
 * callers, signals to other entities). Entity ids are `@<lowercase name>@<key>`.
 */
import type { EntityBatchRequest, EntityBatchResult } from '../types.js';
import { EventType, historyEvent } from './events.js';
import type { EntityMessage } from './model.js';
import type { Outgoing } from './episode.js';

export function parseEntityId(id: string): { name: string; key: string } {
  const at = id.indexOf('@', 1);
  if (!id.startsWith('@') || at < 0) throw new Error(`"${id}" is not an entity instance id (@name@key).`);
  return { name: id.slice(1, at), key: id.slice(at + 1) };
}

export function entityInstanceId(name: string, key: string): string {
  return `@${name.toLowerCase()}@${key}`;
}

export function batchRequest(
  id: string,
  state: string | null | undefined,
  ops: readonly EntityMessage[],
): EntityBatchRequest {
  return {
    self: parseEntityId(id),
    exists: state !== undefined,
    state: state ?? null,
    batch: ops.map((m) => ({ name: m.op.name, input: m.op.input, isSignal: m.op.isSignal, id: m.op.id })),
  };
}

/** Responses to callers and signals to other entities. */
export function batchOutgoing(
  ops: readonly EntityMessage[],
  result: EntityBatchResult,
  now: number,
  newGuid: () => string,
): Outgoing[] {
  const outgoing: Outgoing[] = [];
  ops.forEach((m, i) => {
    if (m.op.isSignal || !m.op.parent) return;
    const r = result.results[i] ?? {
      isError: true,
      result: JSON.stringify('The entity did not report a result for this operation.'),
      duration: 0,
    };
    const response: Record<string, string> = {};
    if (r.result !== undefined) response.result = r.result;
    if (r.isError) response.exceptionType = 'Error';
    outgoing.push({
      kind: 'orchestration',
      target: m.op.parent,
      ...(m.op.parentExecutionId ? { executionId: m.op.parentExecutionId } : {}),
      visibleAt: now,
      event: historyEvent(EventType.EventRaised, now, { Name: m.op.id, Input: JSON.stringify(response) }),
    });
  });
  for (const s of result.signals ?? []) {
    // The library stamps every signal of one operation with that operation's id: give each its own.
    outgoing.push({
      kind: 'entity',
      target: entityInstanceId(s.target.name, s.target.key),
      visibleAt: now,
      op: { name: s.name, ...(s.input ? { input: s.input } : {}), isSignal: true, id: newGuid() },
    });
  }
  return outgoing;
}

/** What a whole failed batch (the entity function threw or is missing) answers each caller; state is kept. */
export function failedBatch(ops: readonly EntityMessage[], message: string): EntityBatchResult {
  return {
    entityExists: false,
    entityState: undefined,
    results: ops.map(() => ({ isError: true, result: JSON.stringify(message), duration: 0 })),
    signals: [],
  };
}
