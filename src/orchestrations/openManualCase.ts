import type { OrchestrationContext, Task } from 'durable-functions';
import { caseIdFor } from '../cases/types';
import { orchestrations } from '../durable/activities';
import { customerProfile } from '../durable/entities';
import { callEntity, orchestrationInput, type OutputOf } from '../durable/typed';
import { CustomerProfileOps } from '../names';
import { deliver } from './deliver';

/**
 * POST /api/cases: an analyst's alert is one more routing decision of the customerProfile entity, so a
 * manual open racing another manual open, a detected alert or a retry is decided in one serialised place:
 * it opens the case, or is refused naming the customer's open case.
 */
export function* openManualCaseOrchestrator(
  context: OrchestrationContext,
): Generator<Task, OutputOf<typeof orchestrations.openManualCase>, unknown> {
  const open = orchestrationInput(context, orchestrations.openManualCase);
  const caseId = caseIdFor(open.alert.alertId);
  const customerId = open.alert.customerId;
  const decided = yield* callEntity(
    context,
    customerProfile,
    customerId,
    CustomerProfileOps.openManual,
    open,
  );
  const carried = yield* deliver(context, customerId, decided, open);
  if (carried.startCase?.caseId === caseId) return { caseId, outcome: 'opened' };
  const openCaseId = carried.refused?.openCaseId ?? carried.openCaseId ?? undefined;
  return { caseId, outcome: 'refused', ...(openCaseId ? { openCaseId } : {}) };
}
