import { dayDate } from './calendar.js';
import type { Rng } from '../../shared/prng.js';
import { round2 } from '../define.js';
import type { Customer, Invoice, Payment, Subscription } from './schema.js';

/** Monthly invoice runs inside the dataset window; overage is billed from the usage series. */
export const INVOICE_RUNS = [
  { issuedDay: 0, period: '2025-12', usageDays: null },
  { issuedDay: 31, period: '2026-01', usageDays: [0, 31] },
  { issuedDay: 59, period: '2026-02', usageDays: [31, 59] },
] as const;

export const OVERAGE_USD_PER_GB = 5;
const TAX_RATE = 0.08;

type Line = Invoice['lines'][number];

/** Recompute tax and total after lines change. */
export function finalizeLines(lines: Line[]): { lines: Line[]; totalUsd: number } {
  const body = lines.filter((l) => l.category !== 'tax');
  const taxable = body.reduce((s, l) => s + l.amountUsd, 0);
  const all = [
    ...body,
    { description: 'Taxes and fees', category: 'tax' as const, amountUsd: round2(taxable * TAX_RATE) },
  ];
  return { lines: all, totalUsd: round2(all.reduce((s, l) => s + l.amountUsd, 0)) };
}

export function withExtraLines(inv: Invoice, extra: Line[]): Invoice {
  return { ...inv, ...finalizeLines([...inv.lines, ...extra]) };
}

export function generateBilling(
  c: Customer,
  subs: Subscription[],
  usageBySub: ReadonlyMap<string, number[]>,
  rng: Rng,
): { invoices: Invoice[]; payments: Payment[] } {
  const invoices: Invoice[] = [];
  const payments: Payment[] = [];
  const deviceFee = rng.chance(0.4) || c.tier === 'business' ? round2(rng.float(25, 45)) : 0;
  const failedRun = rng.chance(0.08) ? rng.int(0, INVOICE_RUNS.length - 1) : -1;
  INVOICE_RUNS.forEach((run, k) => {
    const lines: Line[] = [];
    for (const sub of subs) {
      lines.push({
        description: `${sub.plan} monthly fee (${sub.id})`,
        category: 'plan',
        amountUsd: sub.monthlyFeeUsd,
      });
      const usage = usageBySub.get(sub.id);
      if (sub.dataCapGb !== null && run.usageDays && usage) {
        const gb = usage.slice(run.usageDays[0], run.usageDays[1]).reduce((s, mb) => s + mb, 0) / 1024;
        const over = Math.ceil(gb - sub.dataCapGb);
        if (over > 0) {
          lines.push({
            description: `Data overage ${over} GB (${sub.id})`,
            category: 'overage',
            amountUsd: over * OVERAGE_USD_PER_GB,
          });
        }
      }
    }
    if (deviceFee > 0)
      lines.push({ description: 'Device installment', category: 'device', amountUsd: deviceFee });
    const invoice: Invoice = {
      id: `INV-${c.id}-${run.period}`,
      customerId: c.id,
      issued: dayDate(run.issuedDay),
      period: run.period,
      ...finalizeLines(lines),
      status: 'paid',
    };
    invoices.push(invoice);
    const payId = (n: number): string => `PAY-${c.id}-${run.period}-${n}`;
    if (k === failedRun) {
      payments.push({
        id: payId(1),
        customerId: c.id,
        invoiceId: invoice.id,
        date: dayDate(run.issuedDay + 3),
        amountUsd: invoice.totalUsd,
        status: 'failed',
        failureReason: 'insufficient_funds',
      });
      payments.push({
        id: payId(2),
        customerId: c.id,
        invoiceId: invoice.id,
        date: dayDate(run.issuedDay + 6),
        amountUsd: invoice.totalUsd,
        status: 'succeeded',
      });
    } else {
      payments.push({
        id: payId(1),
        customerId: c.id,
        invoiceId: invoice.id,
        date: dayDate(run.issuedDay + rng.int(2, 12)),
        amountUsd: invoice.totalUsd,
        status: 'succeeded',
      });
    }
  });
  return { invoices, payments };
}
