import { z } from 'zod';

/**
 * Telemetry events: one strict schema per type; unknown fields and types are rejected. Every shape
 * accepted since the first release is still accepted; the optional fields (a login's or failure's
 * device, a failure's country and ip, a merchant's country, a refund, the device behind a usage report)
 * and the `account_change` type let investigations tell the customer's own devices and trips from an
 * attacker's. Rules read only the original fields.
 */
const base = {
  customerId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ or -, 1 to 64 characters'),
  timestamp: z.iso.datetime({ offset: true }),
};
const country = z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code such as "US"');
const ip = z.union([z.ipv4(), z.ipv6()]);
/** A device identifier as the client reports it (handset id, app installation id). */
const device = z.string().min(1).max(100);

export const LoginEvent = z.strictObject({
  type: z.literal('login'),
  ...base,
  country,
  ip,
  success: z.boolean(),
  device: device.optional(),
});
export const TransactionEvent = z.strictObject({
  type: z.literal('transaction'),
  ...base,
  amount: z.number().positive().max(10_000_000),
  merchant: z.string().min(1).max(200),
  /** Where the merchant is. */
  merchantCountry: country.optional(),
  /** A purchase (default) or money returned to the customer. */
  kind: z.enum(['purchase', 'refund']).optional(),
  device: device.optional(),
});
export const DataUsageEvent = z.strictObject({
  type: z.literal('data_usage'),
  ...base,
  mb: z.number().nonnegative().max(10_000_000),
  /** The handset that used the data, and where (roaming). */
  device: device.optional(),
  country: country.optional(),
});
export const ApiCallEvent = z.strictObject({
  type: z.literal('api_call'),
  ...base,
  endpoint: z.string().min(1).max(500),
  ip: ip.optional(),
  device: device.optional(),
});
export const AuthFailureEvent = z.strictObject({
  type: z.literal('auth_failure'),
  ...base,
  country: country.optional(),
  ip: ip.optional(),
  device: device.optional(),
});
/** A change to the account's security or contact details, as the identity system reports it. */
export const AccountChangeKind = z.enum([
  'password_change',
  'mfa_disabled',
  'mfa_downgraded',
  'mfa_enabled',
  'sim_change',
  'device_registered',
  'email_change',
  'address_change',
]);
export type AccountChangeKind = z.infer<typeof AccountChangeKind>;
export const AccountChangeEvent = z.strictObject({
  type: z.literal('account_change'),
  ...base,
  change: AccountChangeKind,
  channel: z.enum(['app', 'web', 'store', 'phone']).optional(),
  country: country.optional(),
  ip: ip.optional(),
  device: device.optional(),
});

export const TelemetryEvent = z.discriminatedUnion('type', [
  LoginEvent,
  TransactionEvent,
  DataUsageEvent,
  ApiCallEvent,
  AuthFailureEvent,
  AccountChangeEvent,
]);
export type TelemetryEvent = z.infer<typeof TelemetryEvent>;
export type TelemetryType = TelemetryEvent['type'];

export const RuleName = z.enum([
  'new_country_login',
  'large_transaction',
  'data_usage_spike',
  'auth_failure_burst',
  'api_call_burst',
  'transaction_burst',
  'export_volume',
  'cramming',
  'security_change_chain',
  'manual',
]);
export type RuleName = z.infer<typeof RuleName>;

export const Severity = z.enum(['low', 'medium', 'high', 'critical']);
export type Severity = z.infer<typeof Severity>;

/** An anomaly a rule flagged (or an analyst raised by hand): the seed of a case. */
export const Alert = z.object({
  alertId: z.string().min(1).max(100),
  customerId: base.customerId,
  rule: RuleName,
  severity: Severity,
  description: z.string().min(1).max(2000),
  detectedAt: z.iso.datetime({ offset: true }),
  /** The events that triggered the rule, quoted to agents as untrusted data. */
  events: z.array(TelemetryEvent).max(50),
});
export type Alert = z.infer<typeof Alert>;
