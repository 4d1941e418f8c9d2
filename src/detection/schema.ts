import { z } from 'zod';

/** Telemetry events: one strict schema per type; unknown fields and types are rejected. */
const base = {
  customerId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ or -, 1 to 64 characters'),
  timestamp: z.iso.datetime({ offset: true }),
};

export const LoginEvent = z.strictObject({
  type: z.literal('login'),
  ...base,
  country: z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code such as "US"'),
  ip: z.union([z.ipv4(), z.ipv6()]),
  success: z.boolean(),
});
export const TransactionEvent = z.strictObject({
  type: z.literal('transaction'),
  ...base,
  amount: z.number().positive().max(10_000_000),
  merchant: z.string().min(1).max(200),
});
export const DataUsageEvent = z.strictObject({
  type: z.literal('data_usage'),
  ...base,
  mb: z.number().nonnegative().max(10_000_000),
});
export const ApiCallEvent = z.strictObject({
  type: z.literal('api_call'),
  ...base,
  endpoint: z.string().min(1).max(500),
});
export const AuthFailureEvent = z.strictObject({
  type: z.literal('auth_failure'),
  ...base,
});

export const TelemetryEvent = z.discriminatedUnion('type', [
  LoginEvent,
  TransactionEvent,
  DataUsageEvent,
  ApiCallEvent,
  AuthFailureEvent,
]);
export type TelemetryEvent = z.infer<typeof TelemetryEvent>;
export type TelemetryType = TelemetryEvent['type'];

export const RuleName = z.enum([
  'new_country_login',
  'large_transaction',
  'data_usage_spike',
  'auth_failure_burst',
  'api_call_burst',
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
