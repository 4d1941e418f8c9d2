import {
  arr,
  clamp,
  DAY,
  homeCountries,
  latest,
  ms,
  num,
  obj,
  str,
  travelNoticeAt,
  uniqueById,
  type Analysis,
  type AlertFacts,
  type ProposedExplanation,
  type ToolResult,
} from './read';

/** Incident window: what happened in the last two weeks is judged; older history is the baseline. */
export const RECENT_DAYS = 14;
const HOUR = 3_600_000;

interface Ev {
  id: string;
  t: number;
  ts: string;
  source: string;
  type: string;
  country: string;
  ip: string;
  success: boolean;
  device: string;
  change: string;
  channel: string;
}

const asEv = (o: Record<string, unknown>): Ev => ({
  id: str(o.id) ?? '',
  t: ms(o.ts ?? o.timestamp),
  ts: str(o.ts) ?? str(o.timestamp) ?? '',
  source: str(o.source) ?? 'alert',
  type: str(o.type) ?? '',
  country: str(o.country) ?? '',
  ip: str(o.ip) ?? '',
  success: o.success === true,
  device: str(o.device) ?? '',
  change: str(o.change) ?? changeFromType(str(o.type) ?? '', str(o.detail) ?? ''),
  channel: str(o.channel) ?? '',
});

/** Older tools listed account changes by type and detail; map them to the structured kinds. */
function changeFromType(type: string, detail: string): string {
  if (type === 'password_change') return 'password_change';
  if (type === 'device_change') return /sim/i.test(detail) ? 'sim_change' : 'device_registered';
  if (type === 'mfa_change')
    return /disabl|off|remov/i.test(detail)
      ? 'mfa_disabled'
      : /sms/i.test(detail)
        ? 'mfa_downgraded'
        : 'mfa_enabled';
  return '';
}

const isFailure = (e: Ev) => e.type === 'auth_failure' || (e.type === 'login' && !e.success);
const isLogin = (e: Ev) => e.type === 'login' && e.success;
const isChange = (e: Ev) => !!e.change && e.type !== 'login' && e.type !== 'auth_failure';

/**
 * Location: sign-ins and account security over the last two weeks (history and live) against the
 * customer's baseline: foreign and impossible-travel logins, failed-login bursts and what followed them,
 * unknown devices, weakened MFA, SIM and contact changes, a dormant account waking up. Each signal is
 * checked against what could explain it (a travel notice, a registered or long-known device, a country
 * the customer often uses, a self-service reset from home); explained signals are reported as such.
 */
export function analyzeLocation(results: readonly ToolResult[], alert: AlertFacts): Analysis {
  const logsCalls = results.filter((r) => r.tool === 'get_security_logs').map((r) => obj(r.value));
  const logs = latest(results, 'get_security_logs');
  const context = latest(results, 'get_account_context');
  const home = homeCountries(results);

  const listed = uniqueById(
    ...logsCalls.flatMap((l) => [
      arr(l.recentEvents),
      arr(l.nonHomeLogins),
      arr(l.accountChanges),
      arr(l.liveEvents),
    ]),
  ).map(asEv);
  // The alert's own telemetry counts too (it may be newer than the record the tools read).
  for (const e of alert.events.filter((x) =>
    ['login', 'auth_failure', 'account_change'].includes(str(x.type) ?? ''),
  )) {
    const ev = asEv({ ...e, ts: e.timestamp, source: 'alert' });
    if (!listed.some((l) => l.t === ev.t && l.type === ev.type && l.country === ev.country)) listed.push(ev);
  }
  // "Now" is the investigation's (stated in the prompt), else the newest thing the tools returned.
  const now =
    ms(alert.asOf) || ms(context?.asOf) || Math.max(0, ...listed.map((e) => e.t).filter(Number.isFinite));
  const recentStart = now - RECENT_DAYS * DAY;
  const events = listed.filter((e) => Number.isFinite(e.t) && e.t <= now).sort((a, b) => a.t - b.t);
  const recent = events.filter((e) => e.t >= recentStart);

  // The customer's own devices, places and trips, from the context and the older history.
  const registered = new Set(arr(context?.registeredDevices).map((d) => str(obj(d).deviceId) ?? ''));
  const longKnown = new Set(
    arr(context?.knownDevices)
      .map(obj)
      .filter((d) => (num(d.logins) ?? 0) >= 3 && ms(d.firstSeen) < recentStart)
      .map((d) => str(d.device) ?? ''),
  );
  for (const e of events)
    if (isLogin(e) && e.t < recentStart && home.has(e.country) && e.device) longKnown.add(e.device);
  const known = (device: string) => !device || registered.has(device) || longKnown.has(device);
  const knownDeviceRef = (device: string): ProposedExplanation | undefined =>
    !device
      ? undefined
      : registered.has(device)
        ? { kind: 'registered_device', ref: device, detail: `device ${device} is registered to the account` }
        : longKnown.has(device)
          ? { kind: 'known_device', ref: device, detail: `device ${device} has signed in for weeks` }
          : undefined;
  const places = new Map(
    arr(context?.knownForeignLocations)
      .map(obj)
      .filter((p) => (num(p.logins) ?? 0) >= 3)
      .map((p) => [str(p.country) ?? '', p] as const),
  );

  const evidence: string[] = [];
  const explanations: ProposedExplanation[] = [];
  const explained: string[] = [];
  const cited = new Set<string>();
  const cite = (...es: Ev[]) => es.forEach((e) => e.source === 'live' && e.id && cited.add(e.id));
  const explain = (x: ProposedExplanation | undefined, what: string) => {
    if (!x) return false;
    if (!explanations.some((e) => e.kind === x.kind && e.ref === x.ref)) explanations.push(x);
    explained.push(`${what} (${x.kind} ${x.ref})`);
    return true;
  };
  /** Why a foreign sign-in is the customer's own, if the data says so. */
  const whyAbroad = (e: Ev): ProposedExplanation | undefined => {
    if (!known(e.device)) return undefined;
    const n = travelNoticeAt(context, e.country, e.t);
    if (n)
      return {
        kind: 'travel_notice',
        ref: str(n.id) ?? '',
        detail: `travel notice for ${arr(n.countries).join(', ')} ${str(n.from)}..${str(n.to)}`,
      };
    if (places.has(e.country))
      return {
        kind: 'known_location',
        ref: e.country,
        detail: `${num(places.get(e.country)!.logins)} earlier sign-ins from ${e.country} on the customer's devices`,
      };
    return e.device && registered.has(e.device) ? knownDeviceRef(e.device) : undefined;
  };

  let score = 0.05;
  const markers: string[] = [];

  // 1. Foreign sign-ins and impossible travel.
  const logins = recent.filter(isLogin);
  const foreign = logins.filter((e) => home.size > 0 && e.country && !home.has(e.country));
  const unexplainedForeign = foreign.filter(
    (e) => !explain(whyAbroad(e), `sign-in from ${e.country} at ${e.ts}`),
  );
  const travel: string[] = [];
  let travelUnexplained = false;
  for (let i = 1; i < logins.length; i++) {
    const a = logins[i - 1]!;
    const b = logins[i]!;
    const minutes = (b.t - a.t) / 60_000;
    if (!a.country || !b.country || a.country === b.country || minutes > 120) continue;
    if (home.has(a.country) && home.has(b.country)) continue;
    travel.push(`${a.country} → ${b.country} in ${Math.round(minutes)} min (${b.ts})`);
    const ok =
      minutes >= 20 &&
      !unexplainedForeign.includes(b) &&
      (home.has(a.country) || !unexplainedForeign.includes(a));
    if (!ok) {
      travelUnexplained = true;
      cite(a, b);
    }
  }
  if (travelUnexplained) {
    // Two places no one can travel between, one of them unexplained: a takeover until shown otherwise.
    score += 0.75;
    markers.push('impossible travel');
  } else if (unexplainedForeign.length) score += 0.25;
  else if (foreign.length) score += 0.15; // abroad with a reason: still worth a line, not a case
  if (unexplainedForeign.length) {
    cite(...unexplainedForeign);
    evidence.push(
      `${unexplainedForeign.length} successful sign-in(s) outside the home countries (${[...home].join(', ')}) with no travel notice or known device to explain them: ${[...new Set(unexplainedForeign.map((e) => e.country))].join(', ')}; latest ${unexplainedForeign.at(-1)!.ts}${unexplainedForeign.at(-1)!.source === 'live' ? ' (live)' : ''}.`,
    );
  } else if (foreign.length)
    evidence.push(
      `${foreign.length} sign-in(s) abroad (${[...new Set(foreign.map((e) => e.country))].join(', ')}), each explained by the account context.`,
    );
  else
    evidence.push(
      `All successful sign-ins in the last ${RECENT_DAYS} days are from the home countries (${[...home].join(', ') || 'unknown'}).`,
    );
  if (travel.length) evidence.push(`Impossible travel: ${travel.slice(0, 3).join('; ')}.`);

  // 2. Unknown devices signing in.
  const strangers = logins.filter((e) => e.device && !known(e.device));
  if (strangers.length) {
    score += 0.25;
    markers.push('an unknown device');
    // Abroad with no reason and on a device never seen: the two halves of a takeover in one sign-in.
    if (strangers.some((e) => unexplainedForeign.includes(e))) score += 0.15;
    cite(...strangers);
    evidence.push(
      `Sign-in(s) from device(s) neither registered nor seen before: ${[...new Set(strangers.map((e) => e.device))].join(', ')}.`,
    );
  }

  // 3. Failed-login bursts, and what followed them.
  const failures = recent.filter(isFailure);
  const burst = densestBurst(failures, 5 * 60_000);
  if (burst.length >= 3) {
    const last = burst.at(-1)!;
    const after = logins.filter((e) => e.t >= last.t && e.t <= last.t + HOUR);
    const fromHome =
      burst.every((e) => !e.country || home.has(e.country)) &&
      new Set(burst.map((e) => e.ip).filter(Boolean)).size <= 1;
    const homeSuccess = after.find((e) => home.has(e.country) && e.device && known(e.device));
    const badSuccess = after.find((e) => !home.has(e.country) || !known(e.device));
    cite(...burst);
    if (fromHome && homeSuccess && !badSuccess) {
      explain(
        {
          kind: 'self_service_reset',
          ref: homeSuccess.device,
          detail: `the failures came from home and the customer signed in on ${homeSuccess.device} right after`,
        },
        `${burst.length} failed sign-ins`,
      );
      evidence.push(
        `${burst.length} failed sign-ins within 5 minutes from home, then a sign-in on the customer's own device: a forgotten password.`,
      );
      score += 0.03;
    } else {
      score += 0.2;
      markers.push('a failed-login burst');
      const sources = new Set(burst.map((e) => e.country || e.ip).filter(Boolean));
      evidence.push(
        `${burst.length} failed sign-ins within 5 minutes${sources.size > 1 ? ` from ${sources.size} different places` : burst[0]!.country ? ` from ${burst[0]!.country}` : ''}.`,
      );
      if (badSuccess) {
        score += 0.3;
        markers.push('a success right after the failures');
        cite(badSuccess);
        evidence.push(
          `A successful sign-in from ${badSuccess.country || '?'}${badSuccess.device ? ` on ${badSuccess.device}` : ''} followed within the hour (${badSuccess.ts}).`,
        );
      }
    }
  }

  // 4. Account changes: weakened MFA, SIM and contact changes, new devices, passwords.
  const changes = recent.filter(isChange);
  const risky = changes.filter((e) => {
    const own = e.device ? known(e.device) && (!e.country || home.has(e.country)) : e.channel === 'store';
    if (e.change === 'mfa_enabled') return false;
    if (own && e.change !== 'mfa_disabled' && e.change !== 'mfa_downgraded' && e.change !== 'sim_change')
      return false;
    if (own && e.change === 'sim_change' && e.channel === 'store') return false;
    return true;
  });
  const kinds = new Set(risky.map((e) => e.change));
  if (kinds.has('mfa_disabled') || kinds.has('mfa_downgraded')) {
    score += 0.2;
    markers.push('MFA disabled or downgraded');
  }
  if (kinds.has('sim_change')) {
    score += 0.2;
    markers.push('a SIM change');
  }
  const other = [...kinds].filter((k) => !['mfa_disabled', 'mfa_downgraded', 'sim_change'].includes(k));
  score += 0.1 * Math.min(2, other.length);
  if (risky.length) {
    cite(...risky);
    evidence.push(
      `Account changes in the last ${RECENT_DAYS} days not made from a known device at home: ${risky.map((e) => `${e.change} ${e.ts}${e.source === 'live' ? ' (live)' : ''}`).join(', ')}.`,
    );
  }
  const mfa = obj(logs?.mfa);
  if (mfa.enabled === false && (kinds.has('mfa_disabled') || risky.length))
    evidence.push('MFA is now disabled.');

  // 5. A dormant account waking up.
  const last = obj(context?.lastLogin);
  const idle = num(last.daysAgo);
  const wake = logins.filter((e) => e.source !== 'history');
  if (idle !== undefined && idle >= 45 && wake.length) {
    const strange = wake.filter((e) => !home.has(e.country) || !known(e.device));
    if (strange.length) {
      score += 0.25;
      markers.push(`a sign-in after ${idle} quiet days`);
      cite(...strange);
    }
    evidence.push(
      `The account had no sign-in for ${idle} days before this activity${strange.length ? ', and it resumed from an unknown device or abroad' : ', and it resumed from home on a known device'}.`,
    );
  }

  if (explained.length)
    evidence.push(`Explained by the account context: ${explained.slice(0, 6).join('; ')}.`);
  const s = clamp(score);
  const finding = !logs
    ? 'Security logs could not be read; location risk is judged from the alert telemetry alone.'
    : s >= 0.6
      ? `Account-takeover pattern: ${markers.join(', ') || 'unexplained foreign access'}.`
      : markers.length || unexplainedForeign.length
        ? `Some sign-in signals (${markers.join(', ') || 'a foreign sign-in'}) without a full takeover pattern.`
        : explained.length
          ? 'The sign-in anomalies are explained by the account context (travel notice, own devices, known places).'
          : 'Sign-ins are consistent with the customer history.';
  const kb = [
    travel.length ? 'impossible travel' : foreign.length ? 'foreign login travel' : 'login',
    kinds.has('mfa_disabled') || kinds.has('mfa_downgraded') ? 'mfa disabled account takeover' : '',
    kinds.has('sim_change') ? 'sim swap' : '',
    burst.length >= 3 ? 'credential stuffing' : '',
    strangers.length ? 'new device' : '',
  ];
  return {
    score: s,
    finding,
    evidence,
    kbQuery: kb.filter(Boolean).join(' '),
    explanations,
    cited: [...cited].slice(0, 12),
  };
}

/** The largest set of events within `widthMs` of each other. */
function densestBurst(events: readonly Ev[], widthMs: number): Ev[] {
  let best: Ev[] = [];
  for (let i = 0, j = 0; i < events.length; i++) {
    while (events[i]!.t - events[j]!.t > widthMs) j++;
    if (i - j + 1 > best.length) best = events.slice(j, i + 1);
  }
  return best;
}
