import * as df from 'durable-functions';
import type { DurableClient } from 'durable-functions';
import { caseSettingsFrom, type CaseInput } from '../../cases/types';
import { config } from '../../config';
import type { Alert } from '../../detection/schema';
import { activities, orchestrations } from '../../durable/activities';
import { findInstance, startOnce } from '../../durable/client';
import { isFinished } from '../../durable/status';
import { registerActivity } from '../../durable/typed';
import { publish } from '../../events/bus';
import { recordOpened } from '../../records/writes';
import { caseTelemetry } from '../../telemetry';

/**
 * Carries out what the customerProfile entity decided (src/cases/routing.ts): start the case (unless a
 * replay already did). Joining alerts wait in the case's inbox in the profile, which the case reads (and
 * then records in its session); the stream announces them here. Settings are captured into the case input
 * here, once. A target case that has already ended without releasing its routing is reported back, so
 * the profile can route its unread alerts again.
 */
registerActivity(activities.startCase, {
  extraInputs: [df.input.durableClient()],
  handler: async (input, context) => {
    const client = df.getClient(context);
    const started: string[] = [];
    if (input.refused) {
      const open = await findInstance(client, input.refused.openCaseId, false);
      // Never started (the ingest that opened it has not got there) counts as open: it will start.
      if (open && isFinished(open.runtimeStatus)) return { started, finishedCaseId: open.instanceId };
    }
    if (input.startCase) {
      const { caseId, alert, manual } = input.startCase;
      const existing = await findInstance(client, caseId, false);
      if (existing && isFinished(existing.runtimeStatus)) return { started, finishedCaseId: caseId };
      const caseInput = caseInputFor(caseId, alert, manual ? 'manual' : 'detection', manual?.analyst);
      if (!existing && (await startRecorded(client, caseInput)) === 'started') {
        started.push(caseId);
        caseTelemetry.alertRaised(caseId, alert.rule);
      }
      publish('alert', { ...summary(alert), caseId });
    }
    if (input.attach) {
      const { caseId, alerts, opener, nextCaseId } = input.attach;
      const target = await findInstance(client, caseId, false);
      if (target && isFinished(target.runtimeStatus)) return { started, finishedCaseId: caseId };
      // Not started yet: the delivery that opens it has not got there; this one starts it, with its opener.
      if (!target && opener && !started.includes(caseId)) {
        const caseInput = caseInputFor(caseId, opener, 'detection');
        if ((await startRecorded(client, caseInput)) === 'started') started.push(caseId);
      }
      for (const a of alerts) publish('alert', { ...summary(a), caseId: nextCaseId ?? caseId });
    }
    return { started };
  },
});

/** Recorded before the start: a record with no case is harmless, a case missing from the index is not. */
async function startRecorded(client: DurableClient, input: CaseInput): Promise<'started' | 'existing'> {
  await recordOpened(input, new Date().toISOString());
  return startOnce(client, orchestrations.investigateCase, input.caseId, input);
}

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
