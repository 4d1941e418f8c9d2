import { z } from 'zod';
import { defineTool } from '../define.js';
import { accountTimeline, liveOf, type TimelineItem } from '../timeline.js';
import { customerIdArg, instantArg, parseInstantArg, requireCustomer, viewOf } from './common.js';

export const GetSecurityLogsInput = z.object({
  customer_id: customerIdArg,
  since: instantArg(
    'Only events at or after this ISO date/timestamp (default: the whole history, 90 days).',
  ).optional(),
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

/** One security event as the tool lists it: the shipped history's shape, plus its id and source. */
export interface SecurityLogItem {
  id: string;
  ts: string;
  source: 'history' | 'live';
  type: string;
  country?: string;
  ip?: string;
  success?: boolean;
  device?: string;
  change?: string;
  channel?: string;
  detail?: string;
}

const CHANGE_TYPE: Record<string, string> = {
  password_change: 'password_change',
  mfa_disabled: 'mfa_change',
  mfa_downgraded: 'mfa_change',
  mfa_enabled: 'mfa_change',
  sim_change: 'device_change',
  device_registered: 'device_change',
  email_change: 'contact_change',
  address_change: 'contact_change',
};

export const getSecurityLogs = defineTool({
  name: 'get_security_logs',
  description:
    'Security events of a customer on one timeline: the 90-day history and the live events received since ' +
    '(logins with country/IP/success/device, authentication failures, password, MFA, SIM, device and contact changes), ' +
    'each marked by source ("history" or "live"). Returns a summary (login countries, logins outside the home countries, ' +
    'logins from different countries within 2 h, failed-login bursts, account changes, what is live) and the most recent events.',
  input: GetSecurityLogsInput,
  handler: async ({ customer_id, since, limit }, ctx) => {
    const view = viewOf(ctx);
    const c = requireCustomer(customer_id, view);
    const sinceMs = since === undefined ? undefined : (parseInstantArg(since) ?? undefined);
    const events = accountTimeline(c.id, ctx, {
      types: ['login', 'auth_failure', 'account_change'],
      ...(sinceMs !== undefined ? { sinceMs } : {}),
    }).map(asLogItem);
    const logins = events.filter((e) => e.type === 'login');
    const failures = events.filter((e) => (e.type === 'login' && !e.success) || e.type === 'auth_failure');
    const home = new Set<string>(c.homeCountries);
    const countries: Record<string, number> = {};
    for (const e of logins) if (e.country) countries[e.country] = (countries[e.country] ?? 0) + 1;
    const nonHome = logins.filter((e) => e.country && !home.has(e.country));
    const changes = events.filter((e) => e.type !== 'login' && e.type !== 'auth_failure');
    const live = events.filter((e) => e.source === 'live');
    const dropped = liveOf(ctx, c.id)?.dropped;
    return {
      customerId: c.id,
      homeCountries: c.homeCountries,
      mfa: { enabled: c.mfaEnabled, method: c.mfaMethod },
      window: { since: since ?? view.start, until: ctx.asOf ?? view.end },
      summary: {
        events: events.length,
        logins: logins.length,
        failedLogins: failures.length,
        maxFailedLoginsIn5Min: maxInWindow(failures, 5),
        loginCountries: countries,
        nonHomeCountryLogins: nonHome.length,
        devices: new Set(logins.flatMap((e) => (e.device ? [e.device] : []))).size,
        passwordChanges: changes.filter((e) => e.type === 'password_change').length,
        mfaChanges: changes.filter((e) => e.type === 'mfa_change').length,
        deviceChanges: changes.filter((e) => e.type === 'device_change').length,
        live: {
          events: live.length,
          logins: live.filter((e) => e.type === 'login' && e.success).length,
          failures: live.filter((e) => failures.includes(e)).length,
          accountChanges: live.filter((e) => changes.includes(e)).length,
          ...(dropped && Object.keys(dropped).length ? { notKept: dropped } : {}),
        },
      },
      nonHomeLogins: nonHome.slice(-LIST_CAP).reverse(),
      rapidCountryChanges: rapidChanges(logins.filter((e) => e.success)).slice(-LIST_CAP),
      accountChanges: changes.slice(-LIST_CAP).reverse(),
      liveEvents: live.slice(-Math.max(limit, 20)).reverse(),
      recentEvents: events.slice(-limit).reverse(),
    };
  },
});

function asLogItem(i: TimelineItem): SecurityLogItem {
  const type = i.type === 'account_change' ? (CHANGE_TYPE[i.change ?? ''] ?? 'account_change') : i.type;
  const out: SecurityLogItem = { id: i.id, ts: i.at, source: i.source, type };
  for (const k of ['country', 'ip', 'success', 'device', 'change', 'channel', 'detail'] as const)
    if (i[k] !== undefined) (out as unknown as Record<string, unknown>)[k] = i[k];
  return out;
}

function maxInWindow(events: SecurityLogItem[], minutes: number): number {
  const times = events.map((e) => Date.parse(e.ts)).sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while ((times[i] ?? 0) - (times[j] ?? 0) > minutes * 60_000) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

function rapidChanges(
  logins: SecurityLogItem[],
): { from: string; fromCountry: string; to: string; toCountry: string; minutes: number; source: string }[] {
  const out: {
    from: string;
    fromCountry: string;
    to: string;
    toCountry: string;
    minutes: number;
    source: string;
  }[] = [];
  for (let i = 1; i < logins.length; i++) {
    const a = logins[i - 1];
    const b = logins[i];
    if (!a || !b || !a.country || !b.country || a.country === b.country) continue;
    const minutes = Math.round((Date.parse(b.ts) - Date.parse(a.ts)) / 60_000);
    if (minutes <= RAPID_CHANGE_MINUTES)
      out.push({
        from: a.ts,
        fromCountry: a.country,
        to: b.ts,
        toCountry: b.country,
        minutes,
        source: b.source,
      });
  }
  return out;
}
