import * as df from 'durable-functions';
import type { InvocationContext } from '@azure/functions';
import { config } from '../../config';
import { publish } from '../../events/bus';
import { deliverRecorded, recordStatus } from '../../records/writes';
import { caseTelemetry } from '../../telemetry';
import { Activities } from '../../names';
import type { CaseEventInput, EscalateInput } from '../../orchestrations/contracts';

/**
 * The case's messages to people: the analyst's queue (notifyAnalyst, escalate) and the final notice
 * (sendNotification). Each publishes to the live stream and, when configured, posts to a webhook with
 * an idempotency key made of the case, the round and the message kind.
 */
async function announce(
  kind: string,
  input: CaseEventInput,
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

df.app.activity(Activities.notifyAnalyst, {
  handler: (input: CaseEventInput, context) =>
    announce('awaiting_decision', input, config().ANALYST_WEBHOOK_URL, context, {
      deadline: input.status.deadline,
    }),
});

df.app.activity(Activities.escalate, {
  handler: (input: EscalateInput, context) =>
    announce('escalated', input, config().ANALYST_WEBHOOK_URL, context, {
      reason: input.reason,
      detail: input.detail,
    }),
});

df.app.activity(Activities.autoClear, {
  handler: (input: CaseEventInput, context) => announce('auto_cleared', input, undefined, context),
});

df.app.activity(Activities.sendNotification, {
  handler: (input: CaseEventInput, context) => {
    caseTelemetry.caseClosed(input.caseId, input.status.outcome ?? 'unknown');
    return announce('closed', input, config().NOTIFICATION_WEBHOOK_URL, context);
  },
});
