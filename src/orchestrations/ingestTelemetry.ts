import type { OrchestrationContext, Task } from 'durable-functions';
import { orchestrations, type IngestOutput } from '../durable/activities';
import { accountActivity, customerProfile } from '../durable/entities';
import { callEntity, orchestrationInput, signalEntity } from '../durable/typed';
import { AccountActivityOps, CustomerProfileOps } from '../names';
import { deliver, targetOf } from './deliver';

/**
 * One customer's slice of a telemetry batch. The customerProfile entity evaluates the rules and routes
 * the alerts in one operation (so concurrent batches for a customer see each other), and this
 * orchestration carries the decision out: JavaScript entities cannot start orchestrations themselves.
 */
export function* ingestTelemetryOrchestrator(
  context: OrchestrationContext,
): Generator<Task, IngestOutput, unknown> {
  const input = orchestrationInput(context, orchestrations.ingestTelemetry);
  // The live account record keeps every accepted event where investigations read it: one signal per
  // customer and batch, in the same episode as the profile call, so it is written before any case starts.
  signalEntity(context, accountActivity, input.customerId, AccountActivityOps.append, {
    events: input.events,
  });
  const decided = yield* callEntity(context, customerProfile, input.customerId, CustomerProfileOps.ingest, {
    events: input.events,
  });
  const carried = yield* deliver(context, input.customerId, decided);
  // The reply names the case that reads the alerts: the one they opened or joined — or, when the open
  // case had read its inbox for the last time, the next case they open or join (see src/cases/routing.ts).
  const target = targetOf(carried);
  const ours = new Set(decided.alerts.map((a) => a.alertId));
  const start = carried.startCase;
  const opened =
    start && !carried.attach?.nextCaseId && ours.has(start.alert.alertId) ? start.caseId : undefined;
  return {
    alerts: decided.alerts.map((a) => ({
      alertId: a.alertId,
      rule: a.rule,
      severity: a.severity,
      customerId: a.customerId,
    })),
    ...(opened ? { caseId: opened } : {}),
    ...(target && (carried.attach || target !== opened) ? { attachedToCaseId: target } : {}),
  };
}
