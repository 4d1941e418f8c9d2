import { z } from 'zod';
import { defineTool, round2 } from '../define.js';
import { ToolError } from '../errors.js';
import type { ActionKind, ActionPort, ActionRequest, ToolContext } from '../types.js';
import { customerIdArg, requireCustomer } from './common.js';
import { openDisputedUsd, refundCeilingUsd } from './getBillingSummary.js';

/**
 * The two side-effecting tools. They validate and delegate to the ActionPort (in the app: the
 * accountLedger entity), which applies each idempotency key at most once. Without a port they
 * throw a plain Error — that is a wiring bug, not something a model can fix by retrying.
 */
const actionFields = {
  customer_id: customerIdArg,
  reason: z.string().min(3).max(2000).describe('Why, citing the evidence (kept in the action ledger).'),
  idempotency_key: z
    .string()
    .min(1)
    .max(300)
    .describe(
      'Stable key for this decision, e.g. "<caseId>:<round>:<action>"; repeating it never acts twice.',
    ),
};

export const LockAccountInput = z.object(actionFields);
export type LockAccountInput = z.infer<typeof LockAccountInput>;

export const RefundChargesInput = z.object({
  ...actionFields,
  amount: z
    .number()
    .positive()
    .optional()
    .describe("USD to refund; default: the sum of the customer's open disputes and chargebacks."),
});
export type RefundChargesInput = z.infer<typeof RefundChargesInput>;

export class ActionPortMissingError extends Error {
  override name = 'ActionPortMissingError';
  constructor(action: ActionKind) {
    super(
      `${action} needs an ActionPort: pass ToolContext.actions (the account ledger adapter) to the tool call`,
    );
  }
}

function port(ctx: ToolContext, action: ActionKind): ActionPort {
  if (!ctx.actions) throw new ActionPortMissingError(action);
  return ctx.actions;
}

async function apply(ctx: ToolContext, req: ActionRequest) {
  const { applied, entry } = await port(ctx, req.action).apply(
    ctx.caseId === undefined ? req : { ...req, caseId: ctx.caseId },
  );
  return {
    action: req.action,
    customerId: req.customerId,
    ...(req.amount === undefined ? {} : { amountUsd: req.amount }),
    idempotencyKey: req.idempotencyKey,
    applied,
    message: applied ? 'applied' : 'already applied earlier with this idempotency key; nothing changed',
    entry,
  };
}

export const lockAccount = defineTool({
  name: 'lock_account',
  description:
    'Lock a customer account (revokes sessions, blocks orders and SIM changes). Idempotent per idempotency_key. ' +
    'Only after analyst approval.',
  input: LockAccountInput,
  handler: async ({ customer_id, reason, idempotency_key }, ctx) => {
    const c = requireCustomer(customer_id);
    return apply(ctx, { customerId: c.id, action: 'lock_account', idempotencyKey: idempotency_key, reason });
  },
});

export const refundCharges = defineTool({
  name: 'refund_charges',
  description:
    'Refund disputed or unauthorised charges to a customer. Idempotent per idempotency_key. Amount defaults to the open ' +
    'disputes; it can never exceed what the customer was billed. Only after analyst approval.',
  input: RefundChargesInput,
  handler: async ({ customer_id, reason, idempotency_key, amount }, ctx) => {
    const c = requireCustomer(customer_id);
    const ceiling = refundCeilingUsd(c.id);
    const usd = round2(amount ?? openDisputedUsd(c.id));
    if (usd <= 0) throw new ToolError(`${c.id} has no open disputed charges; pass amount explicitly`);
    if (usd > ceiling)
      throw new ToolError(`amount ${usd} exceeds everything billed to ${c.id} in the data (${ceiling} USD)`);
    return apply(ctx, {
      customerId: c.id,
      action: 'refund_charges',
      idempotencyKey: idempotency_key,
      reason,
      amount: usd,
    });
  },
});
