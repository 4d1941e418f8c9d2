import * as df from 'durable-functions';
import type { DurableClient } from 'durable-functions';
import { caseSettingsFrom, type CaseInput } from '../../cases/types';
import { config } from '../../config';
import type { Alert } from '../../detection/schema';
import { publish } from '../../events/bus';
import { recordOpened } from '../../records/writes';
import { caseTelemetry } from '../../telemetry';
import { activities, orchestrations } from '../../durable/activities';
import { findInstance } from '../../durable/client';
import { caseSession } from '../../durable/entities';
import { isFinished } from '../../durable/status';
import { registerActivity, signalEntityFromClient, startOrchestration } from '../../durable/typed';
import { CaseSessionOps } from '../../names';

/**
 * Carries out what the customerProfile entity decided: start the case (unless a replay already did)
 * and/or hand new alerts to the open case. Settings are captured into the case input here, once.
 */
registerActivity(activities.startCase, {
  extraInputs: [df.input.durableClient()],
  handler: async (input, context) => {
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
      const { caseId, alerts, opener } = input.attach;
      if (!(await attach(client, caseId, alerts, opener))) return { started, closedCase: { caseId, alerts } };
      for (const a of alerts) publish('alert', { ...summary(a), caseId });
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
  const existing = await findInstance(client, caseId);
  if (!existing) {
    const input = caseInputFor(caseId, alert, 'detection');
    await recordOpened(input, new Date().toISOString());
    await startOrchestration(client, orchestrations.investigateCase, caseId, input);
    return true;
  }
  const opener = (existing.input as Partial<CaseInput> | undefined)?.alert?.alertId;
  if (opener !== alert.alertId && !isFinished(existing.runtimeStatus))
    await addEvidence(client, caseId, [alert]);
  return false;
}

/**
 * New alerts go to the case's durable inbox (its caseSession entity, deduplicated by alert id), which the
 * case reads before each round, before acting and before clearing. No external event is raised: an event
 * arriving between two waits could reach a wait task the orchestrator has moved past.
 */
async function addEvidence(client: DurableClient, caseId: string, alerts: Alert[]): Promise<void> {
  await signalEntityFromClient(client, caseSession, caseId, CaseSessionOps.addEvidence, {
    alerts,
    at: new Date().toISOString(),
  });
}

/**
 * Hands the alerts to the open case; false when that case has already finished (it closed while these
 * alerts were on their way): then the profile routes them again. Not started yet (a parallel ingest
 * decided to open it and has not got there): this one starts it with its opening alert.
 */
async function attach(
  client: DurableClient,
  caseId: string,
  alerts: Alert[],
  opener?: Alert,
): Promise<boolean> {
  const status = await findInstance(client, caseId, false);
  const [first, ...rest] = alerts as [Alert, ...Alert[]];
  if (!status) {
    await startIfAbsent(client, caseId, opener ?? first);
    const joining = opener ? alerts : rest;
    if (joining.length) await addEvidence(client, caseId, joining);
    return true;
  }
  if (isFinished(status.runtimeStatus)) return false;
  await addEvidence(client, caseId, alerts);
  return true;
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
