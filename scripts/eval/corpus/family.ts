import type { AccountChangeKind, TelemetryEvent } from '../../../src/detection/schema';
import type { Rng } from '../../../src/shared/prng';
import type { CustomerFacts } from './customers';
import type { Label } from './types';

/** One family of the corpus: who can host it (from data) and the behaviour it draws, parameters at random. */
export interface Family {
  name: string;
  label: Label;
  /** What the family is, in one line (the report's legend). */
  description: string;
  fits(f: CustomerFacts): boolean;
  draw(
    f: CustomerFacts,
    rng: Rng,
    startMs: number,
  ): { events: TelemetryEvent[]; params: Record<string, string | number | boolean> };
}

/** Builds one pattern's events on a time line starting at `startMs` (offsets in seconds). */
export class Timeline {
  readonly events: TelemetryEvent[] = [];
  constructor(
    private readonly customerId: string,
    private readonly startMs: number,
  ) {}
  private ts(sec: number): string {
    return new Date(this.startMs + Math.round(sec * 1000)).toISOString();
  }
  login(sec: number, country: string, ip: string, opts: { device?: string; success?: boolean } = {}): this {
    this.events.push({
      type: 'login',
      customerId: this.customerId,
      timestamp: this.ts(sec),
      country,
      ip,
      success: opts.success ?? true,
      ...(opts.device ? { device: opts.device } : {}),
    });
    return this;
  }
  failure(sec: number, opts: { country?: string; ip?: string; device?: string } = {}): this {
    this.events.push({ type: 'auth_failure', customerId: this.customerId, timestamp: this.ts(sec), ...opts });
    return this;
  }
  change(
    sec: number,
    change: AccountChangeKind,
    opts: {
      channel?: 'app' | 'web' | 'store' | 'phone';
      country?: string;
      ip?: string;
      device?: string;
    } = {},
  ): this {
    this.events.push({
      type: 'account_change',
      customerId: this.customerId,
      timestamp: this.ts(sec),
      change,
      ...opts,
    });
    return this;
  }
  purchase(
    sec: number,
    amount: number,
    merchant: string,
    opts: { merchantCountry?: string; device?: string; refund?: boolean } = {},
  ): this {
    const { refund, ...rest } = opts;
    this.events.push({
      type: 'transaction',
      customerId: this.customerId,
      timestamp: this.ts(sec),
      amount: Math.round(amount * 100) / 100,
      merchant,
      ...rest,
      ...(refund ? { kind: 'refund' as const } : {}),
    });
    return this;
  }
  usage(sec: number, mb: number, opts: { device?: string; country?: string } = {}): this {
    this.events.push({
      type: 'data_usage',
      customerId: this.customerId,
      timestamp: this.ts(sec),
      mb: Math.round(mb),
      ...opts,
    });
    return this;
  }
  api(sec: number, endpoint: string, opts: { ip?: string; device?: string } = {}): this {
    this.events.push({
      type: 'api_call',
      customerId: this.customerId,
      timestamp: this.ts(sec),
      endpoint,
      ...opts,
    });
    return this;
  }
  /** `n` calls to an endpoint spread evenly over `spanSec` seconds from `sec`. */
  burst(
    sec: number,
    n: number,
    spanSec: number,
    endpoint: string,
    opts: { ip?: string; device?: string } = {},
  ): this {
    for (let i = 0; i < n; i++) this.api(sec + (spanSec * i) / Math.max(1, n - 1), endpoint, opts);
    return this;
  }
}

/** Countries attackers connect from (anything but the customer's home). */
// prettier-ignore
export const ATTACKER_COUNTRIES = ['NG', 'RU', 'RO', 'VN', 'UA', 'BR', 'CN', 'ID', 'TR', 'PK', 'ZA', 'IN', 'PH', 'EG', 'KZ', 'MX'] as const;

/** Merchants any customer might use (some are other customers' usual shops). */
// prettier-ignore
export const OTHER_MERCHANTS = [
  'Wide World Importers', 'Adventure Works', 'Tailwind Traders', 'Wingtip Toys', 'Coho Winery', 'Lucerne Publishing',
  'Relecloud Shop', 'Trey Research Store', 'Northwind Electronics', 'Tailspin Gadgets', 'Proseware Computers',
  'Fabrikam Airlines', 'Margie Travel', 'Alpine Rail', 'Contoso Mobile Store',
] as const;

export function notHome(f: CustomerFacts, rng: Rng, list: readonly string[] = ATTACKER_COUNTRIES): string {
  const options = list.filter((c) => !f.home.includes(c));
  return rng.pick(options);
}

export function newMerchant(f: CustomerFacts, rng: Rng): string {
  const options = OTHER_MERCHANTS.filter(
    (m) => !f.usualMerchants.includes(m) && m !== f.bigMerchant?.merchant,
  );
  return rng.pick(options.length ? options : OTHER_MERCHANTS);
}

export const minutes = (m: number) => m * 60;
