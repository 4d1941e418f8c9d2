import * as df from 'durable-functions';
import type { DurableClient } from 'durable-functions';
import { caseIdFor, caseSettingsFrom, type CaseInput } from '../../cases/types';
import { config } from '../../config';
import type { Alert } from '../../detection/schema';
import { publish } from '../../events/bus';
import { caseTelemetry } from '../../telemetry';
import { Activities, CustomerProfileOps, Entities, Events, Orchestrations } from '../../names';
import type { StartCaseInput } from '../../orchestrations/contracts';

/**
 * Carries out what the customerProfile entity decided: start the case (unless a replay already did)
 * and/or hand new alerts to the open case. Settings are captured into the case input here, once.
 */
df.app.activity(Activities.startCase, {
  extraInputs: [df.input.durableClient()],
  handler: async (input: StartCaseInput, context) => {
    const client = df.getClient(context);
    const started: string[] = [];
    if (input.startCase) {
      const { caseId, alert } = input.startCase;
      if (await startIfAbsent(client, caseId, alert)) {
        started.push(caseId);
        caseTelemetry.alertRaised(caseId, alert.rule);
      }
      publish('alert', { ...summary(alert), caseId });
    }
    if (input.attach) {
      const delivered = await attach(client, input.attach.caseId, input.attach.alerts, input.attach.opener);
      for (const a of input.attach.alerts) publish('alert', { ...summary(a), caseId: delivered });
      if (delivered !== input.attach.caseId) started.push(delivered);
    }
    return { started };
  },
});

export function caseInputFor(
  caseId: string,
  alert: Alert,
  openedBy: CaseInput['openedBy'],
  analyst?: string,
): CaseInput {
  return {
    schemaVersion: 1,
    caseId,
    customerId: alert.customerId,
    alert,
    settings: caseSettingsFrom(config()),
    openedBy,
    ...(analyst ? { openedByAnalyst: analyst } : {}),
  };
}

/**
 * Starts the case with this alert, or, when a parallel ingest already started it with another alert,
 * hands this one to it as evidence. A re-run of the same start (at-least-once activity) does nothing.
 */
async function startIfAbsent(client: DurableClient, caseId: string, alert: Alert): Promise<boolean> {
  const existing = await client.getStatus(caseId).catch(() => undefined);
  if (!existing?.runtimeStatus) {
    await client.startNew(Orchestrations.investigateCase, {
      instanceId: caseId,
      input: caseInputFor(caseId, alert, 'detection'),
    });
    return true;
  }
  const opener = (existing.input as Partial<CaseInput> | undefined)?.alert?.alertId;
  if (opener !== alert.alertId && !isFinished(existing.runtimeStatus))
    await client.raiseEvent(caseId, Events.newEvidence, [alert]);
  return false;
}

/**
 * Raises the alerts on the open case. Not started yet (a parallel ingest decided to open it and has not
 * got there): this one opens it, and the other will attach. Already finished (it closed while these alerts
 * were on their way): the first alert opens a new case and the profile is told, so nothing is dropped.
 */
async function attach(
  client: DurableClient,
  caseId: string,
  alerts: Alert[],
  opener?: Alert,
): Promise<string> {
  const status = await client.getStatus(caseId).catch(() => undefined);
  const [first, ...rest] = alerts as [Alert, ...Alert[]];
  if (!status?.runtimeStatus) {
    // Start it with the alert that opened it (the profile keeps it), so the case is the same whichever
    // ingest gets here first; the opener's own start then finds it running and does nothing more.
    if (opener) {
      await startIfAbsent(client, caseId, opener);
      await client.raiseEvent(caseId, Events.newEvidence, alerts);
    } else {
      await startIfAbsent(client, caseId, first);
      if (rest.length) await client.raiseEvent(caseId, Events.newEvidence, rest);
    }
    return caseId;
  }
  if (!isFinished(status.runtimeStatus)) {
    await client.raiseEvent(caseId, Events.newEvidence, alerts);
    return caseId;
  }
  const newCaseId = caseIdFor(first.alertId);
  const profile = new df.EntityId(Entities.customerProfile, first.customerId);
  await client.signalEntity(profile, CustomerProfileOps.caseClosed, { caseId });
  await client.signalEntity(profile, CustomerProfileOps.caseOpened, { caseId: newCaseId });
  await startIfAbsent(client, newCaseId, first);
  if (rest.length) await client.raiseEvent(newCaseId, Events.newEvidence, rest);
  return newCaseId;
}

function isFinished(status: df.OrchestrationRuntimeStatus): boolean {
  return [
    df.OrchestrationRuntimeStatus.Completed,
    df.OrchestrationRuntimeStatus.Failed,
    df.OrchestrationRuntimeStatus.Terminated,
  ].includes(status);
}

function summary(a: Alert) {
  return {
    alertId: a.alertId,
    customerId: a.customerId,
    rule: a.rule,
    severity: a.severity,
    description: a.description,
    detectedAt: a.detectedAt,
  };
}
