import * as df from 'durable-functions';
import type { OrchestrationContext, Task } from 'durable-functions';
import { Activities, CustomerProfileOps, Entities } from '../names';
import type { IngestInput, IngestOutput, ProfileIngestResult, StartCaseInput } from './contracts';

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

  if (result.startCase || result.attach) {
    yield context.df.callActivityWithRetry(Activities.startCase, new df.RetryOptions(2_000, 5), {
      customerId: input.customerId,
      startCase: result.startCase,
      attach: result.attach,
    } satisfies StartCaseInput);
  }
  return {
    alerts: result.alerts.map((a) => ({
      alertId: a.alertId,
      rule: a.rule,
      severity: a.severity,
      customerId: a.customerId,
    })),
    ...(result.startCase ? { caseId: result.startCase.caseId } : {}),
    ...(result.attach ? { attachedToCaseId: result.attach.caseId } : {}),
  };
}
