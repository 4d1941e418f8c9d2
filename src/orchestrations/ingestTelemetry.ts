import * as df from 'durable-functions';
import type { OrchestrationContext, Task } from 'durable-functions';
import { Activities, CustomerProfileOps, Entities } from '../names';
import type {
  IngestInput,
  IngestOutput,
  ProfileIngestResult,
  RerouteInput,
  StartCaseInput,
  StartCaseOutput,
} from './contracts';

/**
 * One customer's slice of a telemetry batch. The customerProfile entity evaluates the rules one
 * operation at a time (so concurrent batches for a customer see each other), decides whether a case
 * opens or the alerts join the open one, and this orchestration carries that out through an activity:
 * JavaScript entities cannot start orchestrations themselves.
 */
export function* ingestTelemetryOrchestrator(
  context: OrchestrationContext,
): Generator<Task, IngestOutput, unknown> {
  const input = context.df.getInput() as IngestInput;
  const profile = new df.EntityId(Entities.customerProfile, input.customerId);
  const result = (yield context.df.callEntity(profile, CustomerProfileOps.ingest, {
    events: input.events,
  })) as ProfileIngestResult;

  // If the open case finished while these alerts were on their way, the profile routes them again (one
  // entity operation, so two racing ingests cannot both open a replacement case).
  let route: ProfileIngestResult = result;
  let delivered: string | undefined = result.attach?.caseId;
  for (let attempt = 0; attempt < 3 && (route.startCase || route.attach); attempt++) {
    const out = (yield context.df.callActivityWithRetry(Activities.startCase, new df.RetryOptions(2_000, 5), {
      customerId: input.customerId,
      startCase: route.startCase,
      attach: route.attach,
    } satisfies StartCaseInput)) as StartCaseOutput;
    delivered = route.startCase?.caseId ?? route.attach?.caseId;
    if (!out.closedCase) break;
    route = (yield context.df.callEntity(profile, CustomerProfileOps.reroute, {
      closedCaseId: out.closedCase.caseId,
      alerts: out.closedCase.alerts,
    } satisfies RerouteInput)) as ProfileIngestResult;
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
