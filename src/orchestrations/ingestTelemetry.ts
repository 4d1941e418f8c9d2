import * as df from 'durable-functions';
import type { OrchestrationContext, Task } from 'durable-functions';
import { activities, orchestrations, type IngestOutput } from '../durable/activities';
import { accountActivity, customerProfile, type ProfileRoute } from '../durable/entities';
import { call, callEntity, orchestrationInput, signalEntity } from '../durable/typed';
import { AccountActivityOps, CustomerProfileOps } from '../names';

/**
 * One customer's slice of a telemetry batch. The customerProfile entity evaluates the rules one
 * operation at a time (so concurrent batches for a customer see each other), decides whether a case
 * opens or the alerts join the open one, and this orchestration carries that out through an activity:
 * JavaScript entities cannot start orchestrations themselves.
 */
const DELIVERY_RETRY = new df.RetryOptions(2_000, 5);

export function* ingestTelemetryOrchestrator(
  context: OrchestrationContext,
): Generator<Task, IngestOutput, unknown> {
  const input = orchestrationInput(context, orchestrations.ingestTelemetry);
  // The live account record keeps every accepted event where investigations read it: one signal per
  // customer and batch, in the same episode as the profile call, so it is written before any case starts.
  signalEntity(context, accountActivity, input.customerId, AccountActivityOps.append, {
    events: input.events,
  });
  const result = yield* callEntity(context, customerProfile, input.customerId, CustomerProfileOps.ingest, {
    events: input.events,
  });

  // If the open case finished while these alerts were on their way, the profile routes them again (one
  // entity operation, so two racing ingests cannot both open a replacement case).
  let route: ProfileRoute = result;
  let delivered: string | undefined = result.attach?.caseId;
  for (let attempt = 0; attempt < 3 && (route.startCase || route.attach); attempt++) {
    const out = yield* call(
      context,
      activities.startCase,
      { customerId: input.customerId, startCase: route.startCase, attach: route.attach },
      { retry: DELIVERY_RETRY },
    );
    delivered = route.startCase?.caseId ?? route.attach?.caseId;
    if (!out.closedCase) break;
    route = yield* callEntity(context, customerProfile, input.customerId, CustomerProfileOps.reroute, {
      closedCaseId: out.closedCase.caseId,
      alerts: out.closedCase.alerts,
    });
  }
  return {
    alerts: result.alerts.map((a) => ({
      alertId: a.alertId,
      rule: a.rule,
      severity: a.severity,
      customerId: a.customerId,
    })),
    ...(result.startCase ? { caseId: result.startCase.caseId } : {}),
    ...(result.attach && delivered ? { attachedToCaseId: delivered } : {}),
  };
}
