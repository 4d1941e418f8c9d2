import { z } from 'zod';

/** The shapes of the Contoso dataset. The generator's output is parsed with these in tests. */

export const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD');
export const CustomerId = z.string().regex(/^C\d{3,5}$/, 'customer ids look like C001');

export const Customer = z.object({
  id: CustomerId,
  name: z.string(),
  email: z.string(),
  /** Two ISO 3166-1 alpha-2 codes: where the customer lives and the other country they often use. */
  homeCountries: z.tuple([z.string().length(2), z.string().length(2)]),
  tier: z.enum(['standard', 'premium', 'business']),
  accountStatus: z.enum(['active', 'past_due', 'suspended']),
  signupDate: IsoDate,
  avgTransactionUsd: z.number().min(40).max(250),
  avgDailyDataGb: z.number().min(0.5).max(4),
  mfaEnabled: z.boolean(),
  mfaMethod: z.enum(['app', 'sms', 'none']),
});
export type Customer = z.infer<typeof Customer>;

export const Subscription = z.object({
  id: z.string(),
  customerId: CustomerId,
  plan: z.enum(['Basic 5GB', 'Plus 50GB', 'Unlimited', 'Business Pro', 'Data-only Tablet 20GB']),
  monthlyFeeUsd: z.number().positive(),
  /** null = unlimited. */
  dataCapGb: z.number().positive().nullable(),
  status: z.enum(['active', 'suspended', 'cancelled']),
  startDate: IsoDate,
  line: z.enum(['primary', 'secondary']),
});
export type Subscription = z.infer<typeof Subscription>;

/** Daily MB for one subscription, index 0 = the dataset's first day. */
export const UsageSeries = z.object({
  subscriptionId: z.string(),
  dailyMb: z.array(z.number().int().nonnegative()),
});
export type UsageSeries = z.infer<typeof UsageSeries>;

export const SecurityEvent = z.object({
  customerId: CustomerId,
  /** ISO timestamp, UTC. */
  ts: z.string(),
  type: z.enum(['login', 'password_change', 'mfa_change', 'device_change']),
  country: z.string().length(2),
  ip: z.string(),
  success: z.boolean(),
  device: z.string(),
  /** e.g. "mfa disabled", "new device registered". */
  detail: z.string().optional(),
});
export type SecurityEvent = z.infer<typeof SecurityEvent>;

export const ChargeCategory = z.enum([
  'plan',
  'overage',
  'roaming',
  'device',
  'third_party',
  'tax',
  'credit',
]);
export type ChargeCategory = z.infer<typeof ChargeCategory>;

export const Invoice = z.object({
  id: z.string(),
  customerId: CustomerId,
  issued: IsoDate,
  /** Billing month, YYYY-MM. */
  period: z.string(),
  lines: z.array(z.object({ description: z.string(), category: ChargeCategory, amountUsd: z.number() })),
  totalUsd: z.number(),
  status: z.enum(['paid', 'unpaid', 'disputed']),
});
export type Invoice = z.infer<typeof Invoice>;

export const Payment = z.object({
  id: z.string(),
  customerId: CustomerId,
  invoiceId: z.string(),
  date: IsoDate,
  amountUsd: z.number(),
  status: z.enum(['succeeded', 'failed']),
  failureReason: z.string().optional(),
});
export type Payment = z.infer<typeof Payment>;

export const Refund = z.object({
  id: z.string(),
  customerId: CustomerId,
  /** Invoice or order id. */
  ref: z.string(),
  date: IsoDate,
  amountUsd: z.number().positive(),
  reason: z.string(),
});
export type Refund = z.infer<typeof Refund>;

export const Dispute = z.object({
  id: z.string(),
  customerId: CustomerId,
  ref: z.string(),
  opened: IsoDate,
  amountUsd: z.number().positive(),
  reason: z.string(),
  kind: z.enum(['customer_dispute', 'chargeback']),
  status: z.enum(['open', 'resolved_customer', 'resolved_merchant']),
});
export type Dispute = z.infer<typeof Dispute>;

export const Order = z.object({
  id: z.string(),
  customerId: CustomerId,
  ts: z.string(),
  items: z.array(z.string()),
  totalUsd: z.number().positive(),
  status: z.enum(['delivered', 'shipped', 'processing', 'cancelled', 'returned']),
  paymentStatus: z.enum(['paid', 'declined', 'refunded']),
  shipCountry: z.string().length(2),
  channel: z.enum(['web', 'app', 'store', 'phone']),
});
export type Order = z.infer<typeof Order>;

export const KbArticle = z.object({
  id: z.string(),
  title: z.string(),
  tags: z.array(z.string()),
  body: z.string(),
});
export type KbArticle = z.infer<typeof KbArticle>;

/** A trip the customer announced (app or phone): logins and purchases there, then, are expected. */
export const TravelNotice = z.object({
  id: z.string(),
  customerId: CustomerId,
  countries: z.array(z.string().length(2)).min(1),
  /** First and last day of the trip, inclusive. */
  from: IsoDate,
  to: IsoDate,
  filed: IsoDate,
});
export type TravelNotice = z.infer<typeof TravelNotice>;

/** A handset or tablet registered to the account through a verified channel (store, signup, the app). */
export const RegisteredDevice = z.object({
  deviceId: z.string(),
  customerId: CustomerId,
  label: z.string(),
  registered: IsoDate,
  channel: z.enum(['signup', 'store', 'app']),
});
export type RegisteredDevice = z.infer<typeof RegisteredDevice>;

/** A card or wallet payment the customer made (or got back) at a merchant. */
export const CardTransaction = z.object({
  id: z.string(),
  customerId: CustomerId,
  ts: z.string(),
  amountUsd: z.number().positive(),
  merchant: z.string(),
  merchantCountry: z.string().length(2),
  category: z.enum(['grocery', 'dining', 'fuel', 'retail', 'electronics', 'travel', 'streaming', 'telecom']),
  kind: z.enum(['purchase', 'refund']),
});
export type CardTransaction = z.infer<typeof CardTransaction>;

/** Daily API calls of one customer to one endpoint (index 0 = the dataset's first day) and each day's busiest minute. */
export const ApiUsageSeries = z.object({
  customerId: CustomerId,
  endpoint: z.string(),
  dailyCalls: z.array(z.number().int().nonnegative()),
  dailyPeakPerMinute: z.array(z.number().int().nonnegative()),
});
export type ApiUsageSeries = z.infer<typeof ApiUsageSeries>;

export const Dataset = z.object({
  customers: z.array(Customer),
  subscriptions: z.array(Subscription),
  usage: z.array(UsageSeries),
  securityEvents: z.array(SecurityEvent),
  invoices: z.array(Invoice),
  payments: z.array(Payment),
  refunds: z.array(Refund),
  disputes: z.array(Dispute),
  orders: z.array(Order),
  travelNotices: z.array(TravelNotice),
  devices: z.array(RegisteredDevice),
  transactions: z.array(CardTransaction),
  apiUsage: z.array(ApiUsageSeries),
  knowledgeBase: z.array(KbArticle),
});
export type Dataset = z.infer<typeof Dataset>;
