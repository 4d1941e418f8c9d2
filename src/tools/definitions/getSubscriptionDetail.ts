import { z } from 'zod';
import type { Subscription } from '../data/schema.js';
import { defineTool } from '../define.js';
import { ToolError } from '../errors.js';
import { customerIdArg, requireCustomer, viewOf } from './common.js';

export const GetSubscriptionDetailInput = z
  .object({
    customer_id: customerIdArg
      .optional()
      .describe('Customer id, e.g. "C001" (lists all their subscriptions).'),
    subscription_id: z.string().min(1).max(60).optional().describe('Subscription id, e.g. "SUB-C001-1".'),
  })
  .refine((a) => a.customer_id !== undefined || a.subscription_id !== undefined, {
    message: 'pass customer_id or subscription_id',
  });
export type GetSubscriptionDetailInput = z.infer<typeof GetSubscriptionDetailInput>;

export const getSubscriptionDetail = defineTool({
  name: 'get_subscription_detail',
  description:
    'Mobile subscriptions of a customer (or one subscription): plan, monthly fee, data cap (null = unlimited), status, line (primary/secondary), start date.',
  input: GetSubscriptionDetailInput,
  handler: async ({ customer_id, subscription_id }, ctx) => {
    const view = viewOf(ctx);
    let subs: Subscription[];
    if (subscription_id !== undefined) {
      const s = view.subscription(subscription_id);
      if (!s)
        throw new ToolError(
          `subscription "${subscription_id}" not found; ids look like SUB-C001-1`,
          'not_found',
        );
      if (customer_id !== undefined && requireCustomer(customer_id, view).id !== s.customerId) {
        throw new ToolError(
          `subscription ${s.id} belongs to ${s.customerId}, not ${customer_id}`,
          'not_found',
        );
      }
      subs = [s];
    } else {
      subs = view.subscriptionsOf(requireCustomer(customer_id ?? '', view).id);
    }
    return {
      customerId: subs[0]?.customerId,
      subscriptions: subs.map((s) => ({
        subscriptionId: s.id,
        plan: s.plan,
        line: s.line,
        monthlyFeeUsd: s.monthlyFeeUsd,
        dataCapGb: s.dataCapGb,
        status: s.status,
        startDate: s.startDate,
      })),
    };
  },
});
