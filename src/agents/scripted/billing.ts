import {
  arr,
  clamp,
  fmt,
  homeCountries,
  latest,
  num,
  obj,
  str,
  type Analysis,
  type AlertFacts,
  type ToolResult,
} from './read';

/** Billing: disputed and third-party charges, failed payments, refunds, chargebacks and risky orders. */
export function analyzeBilling(results: readonly ToolResult[], alert: AlertFacts): Analysis {
  const bill = latest(results, 'get_billing_summary');
  const orders = latest(results, 'get_customer_orders');
  const customer = latest(results, 'get_customer_detail');
  const home = homeCountries(results);
  const evidence: string[] = [];
  let score = 0.05;

  const unusual = arr(bill?.unusualCharges).map(obj);
  const disputes = arr(bill?.disputes).map(obj);
  const open = disputes.filter((d) => d.status === 'open');
  const disputedRefs = new Set(disputes.map((d) => str(d.ref)));
  const cat = (c: string) => unusual.filter((u) => u.category === c);
  const sum = (xs: Array<Record<string, unknown>>) => xs.reduce((s, x) => s + (num(x.amountUsd) ?? 0), 0);
  const thirdParty = cat('third_party');
  const shock = [...cat('roaming'), ...cat('overage')];
  const isDisputed = (xs: Array<Record<string, unknown>>) =>
    xs.some((x) => disputedRefs.has(str(x.invoiceId)));
  if (thirdParty.length) {
    score += isDisputed(thirdParty) ? 0.6 : 0.25;
    evidence.push(
      `Third-party charges $${fmt(sum(thirdParty), 2)} (${thirdParty.length} line(s))${isDisputed(thirdParty) ? ', disputed by the customer' : ''}.`,
    );
  }
  if (shock.length) {
    score += isDisputed(shock) ? 0.25 : 0.1;
    evidence.push(`Roaming/overage charges $${fmt(sum(shock), 2)}${isDisputed(shock) ? ', disputed' : ''}.`);
  }
  const chargebacks = disputes.filter((d) => d.kind === 'chargeback');
  if (chargebacks.length) {
    score += chargebacks.length >= 2 ? 0.35 : 0.2;
    evidence.push(`${chargebacks.length} chargeback(s), $${fmt(sum(chargebacks), 2)}.`);
  }
  if (open.length)
    evidence.push(
      `${open.length} open dispute(s), $${fmt(num(bill?.openDisputedUsd) ?? sum(open), 2)} disputed.`,
    );
  const refunds = num(obj(bill?.refunds).count) ?? 0;
  if (refunds >= 3) score += 0.3;
  else if (refunds === 2) score += 0.1;
  if (refunds > 0)
    evidence.push(`${refunds} refund(s), $${fmt(num(obj(bill?.refunds).totalUsd) ?? 0, 2)} in total.`);
  const failed = num(obj(bill?.payments).failed) ?? 0;
  if (failed >= 3) score += 0.25;
  else if (failed > 0) score += 0.05;
  if (failed > 0) evidence.push(`${failed} failed payment(s).`);
  if (bill?.accountStatus === 'past_due') {
    score += 0.05;
    evidence.push('Account is past due.');
  }
  const latestRatio = num(bill?.latestVsPriorRatio);
  if (latestRatio !== undefined && latestRatio >= 2) {
    score += 0.1;
    evidence.push(`Latest invoice is ${fmt(latestRatio)}x the earlier average.`);
  }

  const os = obj(orders?.summary);
  const list = arr(orders?.orders).map(obj);
  const avgTx = num(orders?.avgTransactionUsd) ?? num(customer?.avgTransactionUsd) ?? 0;
  const declined = num(os.declined) ?? 0;
  const burst = num(os.maxOrdersIn30Min) ?? 0;
  if (burst >= 5 && declined >= 3) {
    score += 0.45;
    evidence.push(`Card-testing pattern: ${burst} orders within 30 minutes, ${declined} declined.`);
  }
  const abroad = list.filter(
    (o) => home.size > 0 && !home.has(str(o.shipCountry) ?? '') && o.paymentStatus !== 'declined',
  );
  const costlyAbroad = abroad.filter((o) => avgTx > 0 && (num(o.totalUsd) ?? 0) >= 3 * avgTx);
  if (costlyAbroad.length) {
    score += costlyAbroad.length >= 2 ? 0.75 : 0.45;
    evidence.push(
      `${costlyAbroad.length} high-value order(s) shipped outside the home countries: ${costlyAbroad.map((o) => `$${num(o.totalUsd)} to ${str(o.shipCountry)}`).join(', ')}.`,
    );
  } else if (abroad.length) {
    score += 0.15;
    evidence.push(`${abroad.length} order(s) shipped outside the home countries.`);
  }
  const largestRatio = num(os.largestVsAvgTransactionRatio) ?? 0;
  if (!costlyAbroad.length && largestRatio >= 5) {
    score += 0.15;
    evidence.push(
      `Largest order is ${fmt(largestRatio)}x the average transaction ($${num(os.largestOrderUsd)}).`,
    );
  }
  // The alert's own telemetry: transactions far above the customer's average.
  const bigTx = alert.events.filter(
    (e) => e.type === 'transaction' && avgTx > 0 && (num(e.amount) ?? 0) > 3 * avgTx,
  );
  if (bigTx.length) {
    score += 0.2;
    evidence.push(
      `Alert telemetry: ${bigTx.length} transaction(s) above 3x the $${avgTx} average (max $${Math.max(...bigTx.map((e) => num(e.amount) ?? 0))}).`,
    );
  }
  if (!evidence.length)
    evidence.push('Invoices paid, no unusual charges, disputes, refunds or risky orders.');
  const s = clamp(score);
  const finding =
    !bill && !orders
      ? 'Billing data could not be read; billing risk is unverified.'
      : s >= 0.6
        ? 'Billing fraud pattern: charges or orders the customer did not make, or payment abuse.'
        : s >= 0.2
          ? 'Billing shows a dispute or anomaly that looks like a billing issue rather than fraud.'
          : 'Billing is consistent with the customer history.';
  const kb = [
    thirdParty.length ? 'cramming third-party charges' : '',
    shock.length ? 'bill shock roaming overage' : '',
    burst >= 5 ? 'card testing' : '',
    refunds >= 3 || chargebacks.length ? 'friendly fraud refund abuse chargeback' : '',
    costlyAbroad.length ? 'device financing fraud shipped abroad' : '',
  ];
  return {
    score: s,
    finding,
    evidence,
    kbQuery: kb.filter(Boolean).join(' ') || 'billing dispute refund policy',
  };
}
