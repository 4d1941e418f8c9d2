import { z } from 'zod';
import { defineTool } from '../define.js';
import { customerIdArg, requireCustomer, viewOf } from './common.js';

export const GetCustomerDetailInput = z.object({ customer_id: customerIdArg });
export type GetCustomerDetailInput = z.infer<typeof GetCustomerDetailInput>;

export const getCustomerDetail = defineTool({
  name: 'get_customer_detail',
  description:
    'Customer profile: name, home countries, tier, account status, signup date, average transaction (USD), average daily data (GB), MFA state and subscription ids.',
  input: GetCustomerDetailInput,
  handler: async ({ customer_id }, ctx) => {
    const view = viewOf(ctx);
    const c = requireCustomer(customer_id, view);
    return {
      customerId: c.id,
      name: c.name,
      email: c.email,
      homeCountries: c.homeCountries,
      tier: c.tier,
      accountStatus: c.accountStatus,
      signupDate: c.signupDate,
      avgTransactionUsd: c.avgTransactionUsd,
      avgDailyDataGb: c.avgDailyDataGb,
      mfa: { enabled: c.mfaEnabled, method: c.mfaMethod },
      subscriptionIds: view.subscriptionsOf(c.id).map((s) => s.id),
    };
  },
});
