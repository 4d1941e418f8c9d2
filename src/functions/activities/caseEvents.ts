import type { InvocationContext } from '@azure/functions';
import { config } from '../../config';
import { publish } from '../../events/bus';
import { deliverRecorded, recordStatus } from '../../records/writes';
import { caseTelemetry } from '../../telemetry';
import { activities, type CaseEvent } from '../../durable/activities';
import { registerActivity } from '../../durable/typed';

/**
 * The case's messages to people: the analyst's queue (notifyAnalyst, escalate) and the final notice
 * (sendNotification). Each publishes to the live stream and, when configured, posts to a webhook with
 * an idempotency key made of the case, the round and the message kind.
 */
async function announce(
  kind: string,
  input: CaseEvent,
  url: string | undefined,
  context: InvocationContext,
  extra: object = {},
) {
  const { caseId, customerId, status } = input;
  publish('case', {
    caseId,
    customerId,
    stage: status.stage,
    round: status.round,
    outcome: status.outcome,
    kind,
    ...extra,
  });
  context.log(
    `${kind}: case ${caseId} (${customerId}) stage=${status.stage} round=${status.round}${status.outcome ? ` outcome=${status.outcome}` : ''}`,
  );
  // The case record first: it is what the case index and the audit show, and it outlives the instance.
  await recordStatus(status);
  return deliverRecorded({
    caseId,
    kind,
    idempotencyKey: `${caseId}:${status.round}:${kind}`,
    url,
    payload: { kind, ...input, ...extra },
  });
}

registerActivity(activities.notifyAnalyst, {
  handler: (input, context) =>
    announce('awaiting_decision', input, config().ANALYST_WEBHOOK_URL, context, {
      deadline: input.status.deadline,
    }),
});

registerActivity(activities.escalate, {
  handler: (input, context) =>
    announce('escalated', input, config().ANALYST_WEBHOOK_URL, context, {
      reason: input.reason,
      detail: input.detail,
    }),
});

registerActivity(activities.autoClear, {
  handler: (input, context) => announce('auto_cleared', input, undefined, context),
});

registerActivity(activities.sendNotification, {
  handler: (input, context) => {
    caseTelemetry.caseClosed(input.caseId, input.status.outcome ?? 'unknown');
    return announce('closed', input, config().NOTIFICATION_WEBHOOK_URL, context);
  },
});
