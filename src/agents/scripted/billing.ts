import {
  arr,
  clamp,
  fmt,
  homeCountries,
  latest,
  num,
  obj,
  ms,
  ownDevice,
  str,
  travelNoticeAt,
  type Analysis,
  type AlertFacts,
  type ProposedExplanation,
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
  // Live transactions against the customer's own history (and the alert's, if the record lacked them).
  const live = analyzeLiveTransactions(results, alert, avgTx, home);
  score += live.score;
  evidence.push(...live.evidence);
  if (!evidence.length)
    evidence.push('Invoices paid, no unusual charges, disputes, refunds or risky orders.');
  const s = clamp(score);
  const finding =
    !bill && !orders && !latest(results, 'get_transactions')
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
    live.cardTesting ? 'card testing' : '',
  ];
  return {
    score: s,
    finding,
    evidence,
    kbQuery: kb.filter(Boolean).join(' ') || 'billing dispute refund policy',
    explanations: live.explanations,
    cited: live.cited,
  };
}

interface LiveTx {
  id: string;
  ts: string;
  amount: number;
  merchant: string;
  merchantCountry: string;
  kind: string;
  refundOf: string | null;
  device: string;
}

/**
 * Live purchases and refunds: large ones against the customer's history at that merchant, purchases
 * abroad against travel notices, bursts of tiny payments (card testing), refunds with no purchase behind
 * them (refund abuse), and charges from merchants the customer never used, in a cluster (cramming).
 */
function analyzeLiveTransactions(
  results: readonly ToolResult[],
  alert: AlertFacts,
  avgTx: number,
  home: Set<string>,
): {
  score: number;
  evidence: string[];
  explanations: ProposedExplanation[];
  cited: string[];
  cardTesting: boolean;
} {
  const tx = latest(results, 'get_transactions');
  const context = latest(results, 'get_account_context');
  const now = ms(alert.asOf) || ms(context?.asOf) || Number.POSITIVE_INFINITY;
  const avg = num(tx?.avgTransactionUsd) ?? avgTx;
  const evidence: string[] = [];
  const explanations: ProposedExplanation[] = [];
  const cited = new Set<string>();
  const usual = new Map(
    arr(obj(tx?.history).usualMerchants)
      .map(obj)
      .map((m) => [str(m.merchant) ?? '', m] as const),
  );
  const items: LiveTx[] = arr(obj(tx?.live).items)
    .map(obj)
    .map((i) => ({
      id: str(i.id) ?? '',
      ts: str(i.ts) ?? '',
      amount: num(i.amountUsd) ?? 0,
      merchant: str(i.merchant) ?? '',
      merchantCountry: str(i.merchantCountry) ?? '',
      kind: str(i.kind) ?? 'purchase',
      refundOf: i.refundOf === undefined ? null : (str(i.refundOf) ?? null),
      device: str(i.device) ?? '',
    }));
  for (const e of alert.events.filter((x) => x.type === 'transaction'))
    if (!items.some((i) => ms(i.ts) === ms(e.timestamp) && i.amount === num(e.amount)))
      items.push({
        id: '',
        ts: str(e.timestamp) ?? '',
        amount: num(e.amount) ?? 0,
        merchant: str(e.merchant) ?? '',
        merchantCountry: str(e.merchantCountry) ?? '',
        kind: str(e.kind) ?? 'purchase',
        refundOf: null,
        device: str(e.device) ?? '',
      });
  let score = 0;
  const purchases = items.filter((i) => i.kind !== 'refund' && (ms(i.ts) || 0) <= now);
  const refunds = items.filter((i) => i.kind === 'refund' && (ms(i.ts) || 0) <= now);

  // Card testing: many tiny payments in minutes, at several merchants.
  const burst = densest(purchases, 30 * 60_000);
  const tiny = burst.filter((i) => i.amount < 5);
  const cardTesting =
    burst.length >= 8 && tiny.length >= 0.6 * burst.length && new Set(burst.map((i) => i.merchant)).size >= 3;
  if (cardTesting) {
    score += 0.75;
    burst.forEach((i) => i.id && cited.add(i.id));
    evidence.push(
      `Card-testing pattern: ${burst.length} live payments within 30 minutes, ${tiny.length} under $5, at ${new Set(burst.map((i) => i.merchant)).size} merchants.`,
    );
  }

  // Large purchases: the customer's own history at that merchant, or a trip, can explain them.
  let largeScore = 0;
  for (const p of purchases.filter((i) => avg > 0 && i.amount > 3 * avg)) {
    const m = usual.get(p.merchant);
    const t = ms(p.ts);
    const abroad = !!p.merchantCountry && home.size > 0 && !home.has(p.merchantCountry);
    const notice = abroad ? travelNoticeAt(context, p.merchantCountry, t) : undefined;
    const ratioToAvg = p.amount / avg;
    const strangerDevice = !!p.device && !ownDevice(p.device, context);
    if (
      m &&
      (num(m.purchases) ?? 0) >= 2 &&
      p.amount <= 1.5 * (num(m.maxUsd) ?? 0) &&
      (!abroad || notice) &&
      !strangerDevice
    ) {
      explanations.push({
        kind: 'usual_merchant',
        ref: p.merchant,
        detail: `${num(m.purchases)} earlier purchases at ${p.merchant}, up to $${num(m.maxUsd)}`,
      });
      evidence.push(
        `Live purchase $${fmt(p.amount, 2)} at ${p.merchant} (${fmt(ratioToAvg)}x the average) is in line with the customer's own purchases there (up to $${num(m.maxUsd)}).`,
      );
      largeScore = Math.max(largeScore, 0.08);
      continue;
    }
    if (notice && ratioToAvg <= 15 && !strangerDevice) {
      explanations.push({
        kind: 'travel_notice',
        ref: str(notice.id) ?? '',
        detail: `purchase in ${p.merchantCountry} during an announced trip`,
      });
      evidence.push(
        `Live purchase $${fmt(p.amount, 2)} in ${p.merchantCountry} falls inside the customer's announced trip (${str(notice.id)}).`,
      );
      largeScore = Math.max(largeScore, 0.12);
      continue;
    }
    if (p.id) cited.add(p.id);
    // Far above anything spent at that shop counts as a shop the customer does not know.
    const familiar = m && p.amount <= 3 * (num(m.maxUsd) ?? 0);
    const s =
      (ratioToAvg >= 10 ? 0.6 : ratioToAvg >= 5 ? 0.45 : 0.3) +
      (familiar ? 0 : 0.1) +
      (abroad ? 0.15 : 0) +
      (strangerDevice ? 0.2 : 0);
    largeScore = Math.max(largeScore, s);
    evidence.push(
      `Live purchase $${fmt(p.amount, 2)} at ${p.merchant || '?'} is ${fmt(ratioToAvg)}x the $${fmt(avg, 2)} average` +
        (m
          ? `, above anything spent there before (max $${num(m.maxUsd)})`
          : ', at a merchant the customer never used') +
        (abroad ? `, in ${p.merchantCountry} with no travel notice` : '') +
        '.',
    );
  }
  const bigOnes = purchases.filter((i) => avg > 0 && i.amount > 3 * avg).length;
  score += largeScore + (bigOnes >= 2 && largeScore >= 0.3 ? 0.15 : 0);

  // Refunds: one matching an earlier purchase is a return; several with nothing behind them are abuse.
  const orphan = refunds.filter((r) => !r.refundOf);
  for (const r of refunds.filter((x) => x.refundOf))
    explanations.push({
      kind: 'matching_purchase',
      ref: r.refundOf!,
      detail: `refund of purchase ${r.refundOf} at ${r.merchant}`,
    });
  if (orphan.length) {
    const large = orphan.filter((r) => avg > 0 && r.amount > 2 * avg);
    // Money paid out with nothing bought: one large refund is a question, several are a pattern.
    score += Math.min(
      0.8,
      (large.length ? 0.5 : 0) + 0.3 * Math.max(0, large.length - 1) + 0.1 * (orphan.length - large.length),
    );
    orphan.forEach((r) => r.id && cited.add(r.id));
    evidence.push(
      `${orphan.length} live refund(s) with no matching purchase in the history ($${fmt(
        orphan.reduce((s, r) => s + r.amount, 0),
        2,
      )}).`,
    );
  } else if (refunds.length)
    evidence.push(`${refunds.length} live refund(s), each matching an earlier purchase.`);

  // Cramming: a cluster of charges from merchants the customer never used.
  // Small charges: a customer with a low average still counts a $50 charge as small.
  const strangers = purchases.filter((i) => !usual.has(i.merchant) && i.amount <= Math.max(3 * avg, 60));
  const stranger24h = densest(strangers, 86_400_000);
  if (!cardTesting && stranger24h.length >= 3 && new Set(stranger24h.map((i) => i.merchant)).size >= 2) {
    // Within hours is a batch someone put on the account (cramming); over a day it may be errands.
    const hours = densest(stranger24h, 6 * 3_600_000).length >= 3;
    score += hours ? 0.6 : 0.45;
    stranger24h.forEach((i) => i.id && cited.add(i.id));
    evidence.push(
      `${stranger24h.length} live charges within a day from ${new Set(stranger24h.map((i) => i.merchant)).size} merchants the customer never used before.`,
    );
  }
  return { score, evidence, explanations, cited: [...cited].slice(0, 12), cardTesting };
}

function densest(items: LiveTx[], widthMs: number): LiveTx[] {
  const sorted = [...items].sort((a, b) => ms(a.ts) - ms(b.ts));
  let best: LiveTx[] = [];
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (ms(sorted[i]!.ts) - ms(sorted[j]!.ts) > widthMs) j++;
    if (i - j + 1 > best.length) best = sorted.slice(j, i + 1);
  }
  return best;
}
