import { dayDate } from './calendar.js';
import type { Rng } from '../../shared/prng.js';
import { round2 } from '../define.js';
import type { Customer, Subscription } from './schema.js';

// prettier-ignore
const FIRST = [
  'Ava', 'Liam', 'Noah', 'Mia', 'Ethan', 'Zoe', 'Lucas', 'Emma', 'Omar', 'Priya',
  'Hiro', 'Sofia', 'Mateo', 'Chloe', 'Aarav', 'Nora', 'Felix', 'Ines', 'Kai', 'Lena',
  'Diego', 'Amara', 'Jonas', 'Yuki', 'Ravi', 'Elena', 'Tomas', 'Maya', 'Sven', 'Leila',
] as const;
// prettier-ignore
const LAST = [
  'Smith', 'Garcia', 'Müller', 'Rossi', 'Tanaka', 'Kowalski', 'Silva', 'Dubois', 'Jensen', 'Patel',
  'Kim', 'Novak', 'Costa', 'Murphy', 'Fischer', 'Lopez', 'Nakamura', 'Andersson', 'Haddad', 'Okafor',
  'Brown', 'Martin', 'Santos', 'Ivanova', 'Cohen', 'Moreau', 'Nguyen', 'Larsen', 'Romero', 'Walsh',
] as const;

/** Pairs of home countries (ISO alpha-2). None contains RU, NG, VN, RO or JP, which the planted patterns use. */
// prettier-ignore
export const HOME_PAIRS: readonly (readonly [string, string])[] = [
  ['US', 'CA'], ['GB', 'IE'], ['DE', 'AT'], ['FR', 'BE'], ['ES', 'PT'], ['NL', 'DE'], ['IT', 'CH'], ['SE', 'NO'],
  ['AU', 'NZ'], ['KR', 'SG'], ['IN', 'AE'], ['BR', 'AR'], ['MX', 'US'], ['SG', 'MY'], ['PL', 'CZ'], ['CA', 'US'],
];

/** Fixed profile values some planted patterns need (applied before any dependent data is drawn). */
export type ProfileOverride = Partial<
  Pick<Customer, 'homeCountries' | 'tier' | 'avgDailyDataGb' | 'avgTransactionUsd'>
> & {
  secondaryLine?: boolean;
};

export function customerId(n: number): string {
  return `C${String(n).padStart(3, '0')}`;
}

export function generateCustomer(n: number, rng: Rng, override: ProfileOverride = {}): Customer {
  const first = rng.pick(FIRST);
  const last = rng.pick(LAST);
  const pair = rng.pick(HOME_PAIRS);
  const tierDraw = rng.next();
  const mfaDraw = rng.next();
  const email = `${first}.${last}`
    .toLowerCase()
    .normalize('NFD')
    .replace(/[^a-z.]/g, '');
  return {
    id: customerId(n),
    name: `${first} ${last}`,
    email: `${email}${n}@mail.contoso.example`,
    homeCountries: override.homeCountries ?? [pair[0], pair[1]],
    tier: override.tier ?? (tierDraw < 0.6 ? 'standard' : tierDraw < 0.9 ? 'premium' : 'business'),
    accountStatus: 'active',
    signupDate: dayDate(-rng.int(120, 2500)),
    avgTransactionUsd: override.avgTransactionUsd ?? round2(rng.float(40, 250)),
    avgDailyDataGb: override.avgDailyDataGb ?? round2(rng.float(0.5, 4)),
    mfaEnabled: mfaDraw < 0.8,
    mfaMethod: mfaDraw < 0.55 ? 'app' : mfaDraw < 0.8 ? 'sms' : 'none',
  };
}

export function generateSubscriptions(c: Customer, rng: Rng, override: ProfileOverride = {}): Subscription[] {
  const primary: Subscription =
    c.tier === 'business'
      ? plan(c, 1, 'Business Pro', 95, null)
      : c.avgDailyDataGb <= 1.5
        ? plan(c, 1, 'Plus 50GB', 45, 50)
        : plan(c, 1, 'Unlimited', 70, null);
  const subs = [primary];
  if (override.secondaryLine ?? rng.chance(0.3)) {
    subs.push({
      ...plan(c, 2, 'Data-only Tablet 20GB', 20, 20),
      line: 'secondary',
      startDate: dayDate(-rng.int(30, 100)),
    });
  }
  return subs;
}

function plan(
  c: Customer,
  k: number,
  name: Subscription['plan'],
  fee: number,
  capGb: number | null,
): Subscription {
  return {
    id: `SUB-${c.id}-${k}`,
    customerId: c.id,
    plan: name,
    monthlyFeeUsd: fee,
    dataCapGb: capGb,
    status: 'active',
    startDate: c.signupDate,
    line: 'primary',
  };
}
