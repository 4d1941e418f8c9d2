import { z } from 'zod';
import { DATASET_END, DATASET_START, parseInstant } from '../data/calendar.js';
import { securityEventsOf } from '../data/dataset.js';
import type { SecurityEvent } from '../data/schema.js';
import { defineTool } from '../define.js';
import { customerIdArg, requireCustomer } from './common.js';

export const GetSecurityLogsInput = z.object({
  customer_id: customerIdArg,
  since: z
    .string()
    .refine(
      (s) => parseInstant(s) !== null,
      'expected an ISO date or timestamp, e.g. 2026-03-01 or 2026-03-01T00:00:00Z',
    )
    .optional()
    .describe(`Only events at or after this ISO date/timestamp (default: all, from ${DATASET_START}).`),
  limit: z
    .number()
    .int()
    .min(1)
    .max(100)
    .default(10)
    .describe('How many of the most recent events to list (default 10).'),
});
export type GetSecurityLogsInput = z.infer<typeof GetSecurityLogsInput>;

/** Two logins from different countries closer than this are reported as a rapid country change. */
export const RAPID_CHANGE_MINUTES = 120;
const LIST_CAP = 10;

export const getSecurityLogs = defineTool({
  name: 'get_security_logs',
  description:
    `Security events of a customer (logins with country/IP/success/device, password, MFA and device changes) up to ${DATASET_END}. ` +
    'Returns a summary (login countries, logins outside the home countries, logins from different countries within 2 h, ' +
    'failed-login bursts, account changes) and the most recent events.',
  input: GetSecurityLogsInput,
  handler: async ({ customer_id, since, limit }) => {
    const c = requireCustomer(customer_id);
    const sinceMs = since === undefined ? null : parseInstant(since);
    const events = securityEventsOf(c.id).filter((e) => sinceMs === null || Date.parse(e.ts) >= sinceMs);
    const logins = events.filter((e) => e.type === 'login');
    const home = new Set<string>(c.homeCountries);
    const countries: Record<string, number> = {};
    for (const e of logins) countries[e.country] = (countries[e.country] ?? 0) + 1;
    const nonHome = logins.filter((e) => !home.has(e.country));
    const changes = events.filter((e) => e.type !== 'login');
    return {
      customerId: c.id,
      homeCountries: c.homeCountries,
      mfa: { enabled: c.mfaEnabled, method: c.mfaMethod },
      window: { since: since ?? DATASET_START, until: DATASET_END },
      summary: {
        events: events.length,
        logins: logins.length,
        failedLogins: logins.filter((e) => !e.success).length,
        maxFailedLoginsIn5Min: maxFailuresInWindow(logins, 5),
        loginCountries: countries,
        nonHomeCountryLogins: nonHome.length,
        devices: new Set(logins.map((e) => e.device)).size,
        passwordChanges: changes.filter((e) => e.type === 'password_change').length,
        mfaChanges: changes.filter((e) => e.type === 'mfa_change').length,
        deviceChanges: changes.filter((e) => e.type === 'device_change').length,
      },
      nonHomeLogins: nonHome.slice(-LIST_CAP).reverse().map(compact),
      rapidCountryChanges: rapidChanges(logins.filter((e) => e.success)).slice(-LIST_CAP),
      accountChanges: changes.slice(-LIST_CAP).reverse().map(compact),
      recentEvents: events.slice(-limit).reverse().map(compact),
    };
  },
});

function compact(e: SecurityEvent): Omit<SecurityEvent, 'customerId'> {
  const { customerId: _customerId, ...rest } = e;
  return rest;
}

function maxFailuresInWindow(logins: SecurityEvent[], minutes: number): number {
  const failures = logins.filter((e) => !e.success).map((e) => Date.parse(e.ts));
  let best = 0;
  for (let i = 0, j = 0; i < failures.length; i++) {
    while ((failures[i] ?? 0) - (failures[j] ?? 0) > minutes * 60_000) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

function rapidChanges(
  logins: SecurityEvent[],
): { from: string; fromCountry: string; to: string; toCountry: string; minutes: number }[] {
  const out: { from: string; fromCountry: string; to: string; toCountry: string; minutes: number }[] = [];
  for (let i = 1; i < logins.length; i++) {
    const a = logins[i - 1];
    const b = logins[i];
    if (!a || !b || a.country === b.country) continue;
    const minutes = Math.round((Date.parse(b.ts) - Date.parse(a.ts)) / 60_000);
    if (minutes <= RAPID_CHANGE_MINUTES)
      out.push({ from: a.ts, fromCountry: a.country, to: b.ts, toCountry: b.country, minutes });
  }
  return out;
}
