import { config } from '../../config';
import { activities } from '../../durable/activities';
import { registerActivity } from '../../durable/typed';
import { publish } from '../../events/bus';
import { deliverRecorded, recordAdvance, recordLedger } from '../../records/writes';
import { caseTelemetry } from '../../telemetry';

/**
 * Hands an approved action, already applied once in the account ledger, to the outside world.
 * Activities run at least once: the receiver gets the same idempotency key on every attempt.
 */
registerActivity(activities.executeAction, {
  handler: async (input, context) => {
    const { caseId, customerId, action, idempotencyKey, ledger } = input;
    const applied = ledger.filter((r) => r.applied).length;
    publish('case', { caseId, customerId, stage: 'executing', round: input.round, action });
    context.log(
      `executeAction: ${action} on ${customerId} for ${caseId} (key ${idempotencyKey}; ${applied} new ledger entries)`,
    );
    caseTelemetry.actionExecuted(caseId, action);
    await recordAdvance(
      { ...input, rule: 'unknown', stage: 'executing', at: new Date().toISOString() },
      context.log,
    );
    await recordLedger(caseId, customerId, ledger);
    const { delivered } = await deliverRecorded({
      caseId,
      kind: 'action',
      idempotencyKey,
      url: config().ACTION_WEBHOOK_URL,
      payload: input,
    });
    return { delivered, applied };
  },
});
