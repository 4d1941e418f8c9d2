import { z } from 'zod';
import { datasetAt } from '../data/dataset.js';
import type { ChargeCategory } from '../data/schema.js';
import { defineTool, ratio, round2 } from '../define.js';
import { customerIdArg, requireCustomer, viewOf } from './common.js';

export const GetBillingSummaryInput = z.object({ customer_id: customerIdArg });
export type GetBillingSummaryInput = z.infer<typeof GetBillingSummaryInput>;

/** Line-item categories worth a second look; plan fees, device installments and taxes are routine. */
const UNUSUAL: ReadonlySet<ChargeCategory> = new Set(['third_party', 'roaming', 'overage']);
const LIST_CAP = 5;

export const getBillingSummary = defineTool({
  name: 'get_billing_summary',
  description:
    'Invoices (last 3 months), the latest invoice against the average of the earlier ones, unusual charges ' +
    '(third-party, roaming, overage), payments and failures, refunds and open disputes/chargebacks of a customer.',
  input: GetBillingSummaryInput,
  handler: async ({ customer_id }, ctx) => {
    const view = viewOf(ctx);
    const c = requireCustomer(customer_id, view);
    const { invoices, payments, refunds, disputes } = view.billingOf(c.id);
    const latest = invoices[invoices.length - 1];
    const prior = invoices.slice(0, -1);
    const priorAvg = prior.length ? prior.reduce((s, i) => s + i.totalUsd, 0) / prior.length : 0;
    const failed = payments.filter((p) => p.status === 'failed');
    const openDisputes = disputes.filter((d) => d.status === 'open');
    return {
      customerId: c.id,
      accountStatus: c.accountStatus,
      invoices: invoices.map((i) => ({
        invoiceId: i.id,
        period: i.period,
        issued: i.issued,
        totalUsd: i.totalUsd,
        status: i.status,
      })),
      latestInvoiceUsd: latest?.totalUsd ?? 0,
      priorAvgInvoiceUsd: round2(priorAvg),
      latestVsPriorRatio: latest ? ratio(latest.totalUsd, priorAvg) : null,
      unusualCharges: invoices.flatMap((i) =>
        i.lines
          .filter((l) => UNUSUAL.has(l.category))
          .map((l) => ({
            invoiceId: i.id,
            description: l.description,
            category: l.category,
            amountUsd: l.amountUsd,
          })),
      ),
      payments: {
        succeeded: payments.length - failed.length,
        failed: failed.length,
        failures: failed.slice(-LIST_CAP).map((p) => ({
          date: p.date,
          invoiceId: p.invoiceId,
          amountUsd: p.amountUsd,
          reason: p.failureReason,
        })),
      },
      refunds: {
        count: refunds.length,
        totalUsd: round2(refunds.reduce((s, r) => s + r.amountUsd, 0)),
        items: refunds
          .slice(-LIST_CAP)
          .map((r) => ({ ref: r.ref, date: r.date, amountUsd: r.amountUsd, reason: r.reason })),
      },
      disputes: disputes.map((d) => ({
        disputeId: d.id,
        kind: d.kind,
        ref: d.ref,
        opened: d.opened,
        amountUsd: d.amountUsd,
        status: d.status,
        reason: d.reason,
      })),
      openDisputedUsd: round2(openDisputes.reduce((s, d) => s + d.amountUsd, 0)),
      billedUsd: round2(invoices.reduce((s, i) => s + i.totalUsd, 0)),
    };
  },
});

/** What a refund for this customer may not exceed: everything invoiced or paid for orders in the dataset. */
export function refundCeilingUsd(customerId: string): number {
  const view = datasetAt();
  const { invoices } = view.billingOf(customerId);
  const billed = invoices.reduce((s, i) => s + i.totalUsd, 0);
  const ordered = view
    .ordersOf(customerId)
    .filter((o) => o.paymentStatus !== 'declined')
    .reduce((s, o) => s + o.totalUsd, 0);
  return round2(billed + ordered);
}

/** The default refund: the sum of the customer's open disputes and chargebacks. */
export function openDisputedUsd(customerId: string): number {
  return round2(
    datasetAt()
      .billingOf(customerId)
      .disputes.filter((d) => d.status === 'open')
      .reduce((s, d) => s + d.amountUsd, 0),
  );
}
