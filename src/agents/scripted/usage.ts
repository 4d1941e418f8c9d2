import {
  arr,
  clamp,
  DAY,
  fmt,
  latest,
  median,
  ms,
  num,
  obj,
  ownDevice,
  str,
  type Analysis,
  type AlertFacts,
  type ProposedExplanation,
  type ToolResult,
} from './read';

/** A report or day above this multiple of the line's median baseline is a spike (the rule's own factor). */
const SPIKE = 4;

/**
 * Usage: data use per line (history and live reports) against a robust (median) baseline, and API use
 * per endpoint against the customer's own history. A spike or burst is weighed with what could explain it:
 * the customer's registered device (a new phone restoring its backup), a hotspot pass, a trip with a notice,
 * the customer's own history of such days or such polling.
 */
export function analyzeUsage(results: readonly ToolResult[], alert: AlertFacts): Analysis {
  const evidence: string[] = [];
  const explanations: ProposedExplanation[] = [];
  const cited = new Set<string>();
  const context = latest(results, 'get_account_context');
  const now = ms(alert.asOf) || ms(context?.asOf) || Number.POSITIVE_INFINITY;
  const explain = (x: ProposedExplanation) => {
    if (!explanations.some((e) => e.kind === x.kind && e.ref === x.ref)) explanations.push(x);
  };

  // ── Data use per line ──
  const lines = new Map<string, Record<string, unknown>>();
  for (const r of results.filter((x) => x.tool === 'get_data_usage')) {
    const v = obj(r.value);
    const id = str(v.subscriptionId);
    // Several windows per line (a re-check after feedback): the widest one wins.
    if (id && arr(v.daily).length >= arr(lines.get(id)?.daily).length) lines.set(id, v);
  }
  let lineScore = 0;
  let bestLine = '';
  let baselineMb: number | undefined;
  const reports: Array<{ id: string; ts: string; mb: number; device: string; country: string }> = [];
  for (const [id, v] of lines) {
    const daily = arr(v.daily)
      .map(obj)
      .map((d) => ({
        date: str(d.date) ?? '',
        mb: num(d.mb) ?? 0,
        liveMb: num(d.liveMb) ?? 0,
        source: str(d.source) ?? 'history',
      }));
    const history = daily.filter((d) => d.source !== 'live').map((d) => ({ ...d, mb: d.mb - d.liveMb }));
    if (history.length < 8) continue;
    const recent = history.slice(-7);
    const before = history.slice(0, -7);
    const baseline = Math.max(1, median(before.map((d) => d.mb)));
    baselineMb ??= baseline;
    const over = (d: { mb: number }) => d.mb > SPIKE * baseline;
    const spikesRecent = recent.filter(over);
    const spikesOlder = before.filter(over);
    const recentRatio = recent.reduce((s, d) => s + d.mb, 0) / recent.length / baseline;
    let score: number;
    if (spikesRecent.length >= 3 || (spikesRecent.length >= 2 && recentRatio >= 2.5))
      score = 0.85 + 0.04 * Math.min(2, Math.max(0, spikesRecent.length - 2)) + (recentRatio >= 5 ? 0.03 : 0);
    else if (spikesRecent.length === 1) score = 0.4;
    else if (spikesOlder.length > 0) score = 0.3;
    else score = recentRatio < 1.5 ? 0.08 : recentRatio < 2.5 ? 0.2 : 0.4;
    if (score > lineScore) {
      lineScore = score;
      bestLine = id;
    }
    const peak = history.reduce((m, d) => (d.mb > m.mb ? d : m), history[0]!);
    evidence.push(
      `${id}: last 7 history days average ${Math.round(recentRatio * baseline)} MB/day = ${fmt(recentRatio)}x its median baseline ${Math.round(baseline)} MB/day; ` +
        `${spikesRecent.length} of the last 7 days above ${SPIKE}x baseline` +
        (spikesOlder.length
          ? `, ${spikesOlder.length} earlier day(s) above ${SPIKE}x (${spikesOlder
              .map((d) => d.date)
              .slice(0, 5)
              .join(', ')})`
          : '') +
        `; peak ${peak.mb} MB on ${peak.date} (${fmt(peak.mb / baseline)}x).`,
    );
    for (const rep of arr(obj(v.live).latest).map(obj))
      if (!reports.some((x) => x.id === str(rep.id)))
        reports.push({
          id: str(rep.id) ?? '',
          ts: str(rep.ts) ?? '',
          mb: num(rep.mb) ?? 0,
          device: str(rep.device) ?? '',
          country: str(rep.country) ?? '',
        });
  }
  // Usage reports in the alert itself (when the live record could not be read).
  for (const e of alert.events.filter((x) => x.type === 'data_usage'))
    if (!reports.some((r) => r.ts && ms(r.ts) === ms(e.timestamp) && r.mb === num(e.mb)))
      reports.push({
        id: '',
        ts: str(e.timestamp) ?? '',
        mb: num(e.mb) ?? 0,
        device: str(e.device) ?? '',
        country: str(e.country) ?? '',
      });

  let liveScore = 0;
  const base = baselineMb ?? (num(context?.usageBaselineMbPerDay) || undefined);
  const spikes = base ? reports.filter((r) => r.mb > SPIKE * base && (ms(r.ts) || 0) <= now) : [];
  if (spikes.length && base) {
    const reasons = spikes.map((r) => usageReason(r, context, now));
    const unexplained = spikes.filter((_, i) => !reasons[i]);
    reasons.forEach((x) => x && explain(x));
    const strangers = unexplained.filter((r) => r.device && !ownDevice(r.device, context));
    const max = Math.max(...spikes.map((r) => r.mb));
    spikes.forEach((r) => r.id && cited.add(r.id));
    evidence.push(
      `Live usage: ${spikes.length} report(s) above ${SPIKE}x the ${Math.round(base)} MB/day baseline (largest ${Math.round(max)} MB, ${fmt(max / base)}x)` +
        (strangers.length
          ? ` from device(s) not registered to the customer: ${[...new Set(strangers.map((r) => r.device))].join(', ')}`
          : '') +
        (unexplained.length ? '' : ', each explained by the account context') +
        '.',
    );
    if (strangers.length) liveScore = 0.85;
    else if (unexplained.length >= 2) liveScore = 0.7;
    else if (unexplained.length === 1) liveScore = max / base >= 10 ? 0.5 : 0.4;
    else liveScore = 0.12;
  }

  // ── API use per endpoint ──
  const api = latest(results, 'get_api_activity');
  let apiScore = 0;
  for (const row of arr(api?.endpoints).map(obj)) {
    const l = obj(row.live);
    const h = obj(row.history);
    const perMinute = num(l.maxPerMinute) ?? 0;
    const calls = num(l.calls) ?? 0;
    if (calls === 0) continue;
    const endpoint = str(row.endpoint) ?? '';
    const peak = num(h.peakPerMinute) ?? 0;
    const newIps = arr(l.ips).length > 0 && arr(l.newIps).length === arr(l.ips).length;
    // Bulk data leaving: many calls to an export-like endpoint, far above the customer's own days of it.
    const bulkVolume =
      row.bulkData === true && calls >= 10 && calls > 3 * Math.max(1, num(h.avgCallsPerDay) ?? 0);
    const habitual = (num(h.daysUsed) ?? 0) >= 5 && perMinute <= 1.5 * peak && !bulkVolume;
    if (perMinute <= 20 && !bulkVolume) continue;
    for (const c of arr(api?.liveCalls).map(obj))
      if (str(c.endpoint) === endpoint && str(c.id)) cited.add(str(c.id)!);
    if (habitual) {
      explain({
        kind: 'api_history',
        ref: endpoint,
        detail: `the customer's apps call ${endpoint} daily, up to ${peak} a minute`,
      });
      evidence.push(
        `API: ${perMinute} calls/min to ${endpoint}, in line with the customer's own daily use (busiest minute before: ${peak}).`,
      );
      apiScore = Math.max(apiScore, 0.1);
    } else if (row.bulkData === true) {
      apiScore = Math.max(apiScore, newIps ? 0.9 : 0.8);
      evidence.push(
        `API: ${calls} live calls to ${endpoint} (bulk account data), up to ${perMinute} a minute; the customer's busiest minute there before: ${peak}` +
          (newIps ? `; from IP(s) the customer never signed in from: ${arr(l.newIps).join(', ')}.` : '.'),
      );
    } else {
      apiScore = Math.max(apiScore, newIps ? 0.55 : 0.45);
      evidence.push(
        `API: ${calls} live calls to ${endpoint}, up to ${perMinute} a minute, far above the customer's own use (busiest minute before: ${peak}).`,
      );
    }
  }

  const score = clamp(
    Math.max(lineScore, liveScore, apiScore, lines.size ? 0 : 0.1) +
      (lineScore >= 0.6 && (liveScore >= 0.4 || apiScore >= 0.4) ? 0.05 : 0),
  );
  if (explanations.length)
    evidence.push(
      `Explained by the account context: ${explanations.map((e) => `${e.kind} ${e.ref}`).join('; ')}.`,
    );
  const finding =
    !lines.size && !api
      ? 'No usage series could be read, so usage is unverified.'
      : score >= 0.6
        ? apiScore >= 0.6
          ? 'Bulk export of account data through the API, far beyond anything the customer does: a data-exfiltration pattern.'
          : liveScore >= 0.6 && lineScore < 0.6
            ? 'Data use far above the baseline from a device the customer never registered: a cloned-SIM or misuse pattern.'
            : `Sustained usage spike on ${bestLine || 'a line'}: several recent days far above its baseline, a data-exfiltration or SIM-misuse pattern.`
        : score >= 0.3
          ? 'Usage shows an isolated spike, plausibly benign (one heavy day or an older billed spike), not a sustained pattern.'
          : explanations.length
            ? 'The usage anomalies are explained by the account context.'
            : 'Usage is consistent with the customer baseline.';
  return {
    score,
    finding,
    evidence,
    kbQuery: score >= 0.6 ? 'data exfiltration sustained usage spike' : 'single usage spike benign heavy day',
    explanations,
    cited: [...cited].slice(0, 12),
  };
}

/** What in the data explains one heavy usage report, if anything. */
function usageReason(
  r: { mb: number; device: string; country: string; ts: string },
  context: Record<string, unknown> | undefined,
  now: number,
): ProposedExplanation | undefined {
  if (r.device && !ownDevice(r.device, context)) return undefined;
  const t = ms(r.ts) || now;
  const fresh = arr(context?.registeredDevices)
    .map(obj)
    .find((d) => str(d.deviceId) === r.device && t - ms(`${str(d.registered)}T00:00:00Z`) <= 10 * DAY);
  if (fresh)
    return {
      kind: 'registered_device',
      ref: r.device,
      detail: `new phone ${r.device} registered ${str(fresh.registered)}: restoring a backup`,
    };
  const pass = arr(context?.recentOrders)
    .map(obj)
    .find(
      (o) => arr(o.items).some((i) => /hotspot/i.test(String(i))) && t - ms(o.ts) <= 7 * DAY && t >= ms(o.ts),
    );
  if (pass)
    return {
      kind: 'hotspot_pass',
      ref: str(pass.orderId) ?? '',
      detail: `hotspot pass bought ${str(pass.ts)}`,
    };
  if (r.country) {
    const notice = arr(context?.travelNotices)
      .map(obj)
      .find(
        (n) =>
          arr(n.countries).includes(r.country) &&
          t >= ms(`${str(n.from)}T00:00:00Z`) &&
          t < ms(`${str(n.to)}T00:00:00Z`) + DAY,
      );
    if (notice)
      return {
        kind: 'travel_notice',
        ref: str(notice.id) ?? '',
        detail: `roaming in ${r.country} during an announced trip`,
      };
  }
  const heavy = arr(context?.heavyDataDays).map(obj);
  const biggest = heavy.reduce((m, d) => Math.max(m, num(d.mb) ?? 0), 0);
  if (heavy.length >= 2 && r.mb <= 1.3 * biggest)
    return {
      kind: 'usage_history',
      ref: str(heavy.at(-1)!.date) ?? '',
      detail: `${heavy.length} earlier days this heavy (up to ${biggest} MB)`,
    };
  return undefined;
}
