import {
  arr,
  clamp,
  homeCountries,
  latest,
  num,
  obj,
  str,
  type Analysis,
  type AlertFacts,
  type Json,
  type ToolResult,
} from './read';

interface SecEvent {
  ts: string;
  type: string;
  country: string;
  success: boolean;
  device: string;
  detail: string;
}
const secEvent = (v: Json): SecEvent => {
  const o = obj(v);
  return {
    ts: str(o.ts) ?? '',
    type: str(o.type) ?? '',
    country: str(o.country) ?? '',
    success: o.success === true,
    device: str(o.device) ?? '',
    detail: str(o.detail) ?? '',
  };
};
const HOUR = 3_600_000;

/** Location: foreign sign-ins, impossible travel, failed-login bursts and account changes around them. */
export function analyzeLocation(results: readonly ToolResult[], alert: AlertFacts): Analysis {
  const logs = latest(results, 'get_security_logs');
  const home = homeCountries(results);
  const evidence: string[] = [];
  const summary = obj(logs?.summary);
  const all = [...arr(logs?.recentEvents), ...arr(logs?.nonHomeLogins), ...arr(logs?.accountChanges)].map(
    secEvent,
  );
  const seen = new Set<string>();
  const events = all.filter((e) => {
    const k = `${e.ts}|${e.type}|${e.country}|${e.device}`;
    return seen.has(k) ? false : (seen.add(k), true);
  });
  // The alert's telemetry logins count too (they may be newer than the dataset's logs).
  for (const e of alert.events.filter((x) => x.type === 'login'))
    events.push({
      ts: str(e.timestamp) ?? '',
      type: 'login',
      country: str(e.country) ?? '',
      success: e.success === true,
      device: '',
      detail: '',
    });

  const logins = events.filter((e) => e.type === 'login').sort((a, b) => a.ts.localeCompare(b.ts));
  const homeDevices = new Set(logins.filter((e) => home.has(e.country) && e.device).map((e) => e.device));
  const foreign = logins.filter((e) => e.success && home.size > 0 && !home.has(e.country));
  const foreignCountries = [...new Set(foreign.map((e) => e.country))];
  const travel: string[] = [];
  const ok = logins.filter((e) => e.success);
  for (let i = 1; i < ok.length; i++) {
    const a = ok[i - 1]!;
    const b = ok[i]!;
    const minutes = (Date.parse(b.ts) - Date.parse(a.ts)) / 60_000;
    if (a.country !== b.country && minutes <= 120 && (!home.has(a.country) || !home.has(b.country)))
      travel.push(`${a.country} → ${b.country} in ${Math.round(minutes)} min (${b.ts})`);
  }
  for (const t of arr(logs?.rapidCountryChanges)) {
    const o = obj(t);
    const from = str(o.fromCountry) ?? '';
    const to = str(o.toCountry) ?? '';
    const line = `${from} → ${to} in ${num(o.minutes) ?? '?'} min (${str(o.to) ?? ''})`;
    if ((!home.has(from) || !home.has(to)) && !travel.some((x) => x.endsWith(`(${str(o.to) ?? ''})`)))
      travel.push(line);
  }
  // A device is new at a foreign login when it was never used at home, or first appeared (a
  // registration, a first login) within 48 h before it: the SIM-swap and takeover shape.
  const firstSeen = new Map<string, number>();
  for (const e of events)
    if (e.device) firstSeen.set(e.device, Math.min(firstSeen.get(e.device) ?? Infinity, Date.parse(e.ts)));
  const newDeviceForeign = foreign.filter(
    (e) =>
      e.device &&
      (!homeDevices.has(e.device) || (firstSeen.get(e.device) ?? 0) >= Date.parse(e.ts) - 48 * HOUR),
  );
  const failedBurst = num(summary.maxFailedLoginsIn5Min) ?? 0;
  const changes = events.filter((e) => e.type !== 'login');
  const near = (e: SecEvent) =>
    foreign.some((f) => Math.abs(Date.parse(f.ts) - Date.parse(e.ts)) <= 48 * HOUR);
  const mfaChanges = changes.filter((e) => e.type === 'mfa_change');
  // MFA turned off or downgraded to SMS weakens the account; the direction is a structured fact.
  const mfaWeakened = mfaChanges.some((e) => /disabl|off|remov|sms/i.test(e.detail));
  const mfa = obj(logs?.mfa);
  const changesNearForeign = changes.filter(near);
  const changeTypesNear = new Set(changesNearForeign.map((e) => e.type)).size;

  let score = 0.05;
  if (travel.length) score += 0.6;
  else if (foreign.length) score += 0.2;
  if (newDeviceForeign.length) score += 0.25;
  if (foreign.length && new Set(foreign.map((e) => e.ts.slice(0, 10))).size >= 2 && travel.length)
    score += 0.05;
  if (failedBurst >= 3) score += 0.15;
  if (mfaWeakened) score += 0.2;
  else if (mfaChanges.length) score += 0.1;
  score += 0.1 * Math.min(2, changeTypesNear);

  if (foreign.length)
    evidence.push(
      `${foreign.length} successful login(s) outside the home countries (${[...home].join(', ')}): ${foreignCountries.join(', ')}; latest ${foreign.at(-1)?.ts}.`,
    );
  else
    evidence.push(
      `All successful logins are from the home countries (${[...home].join(', ') || 'unknown'}).`,
    );
  if (travel.length) evidence.push(`Impossible travel: ${travel.slice(0, 3).join('; ')}.`);
  if (newDeviceForeign.length)
    evidence.push(
      `Foreign login(s) from device(s) never used at home: ${[...new Set(newDeviceForeign.map((e) => e.device))].join(', ')}.`,
    );
  if (failedBurst >= 3)
    evidence.push(
      `${failedBurst} failed logins within 5 minutes (${num(summary.failedLogins) ?? '?'} failed in the window).`,
    );
  if (mfaChanges.length)
    evidence.push(
      `MFA changed ${mfaChanges.length} time(s) (${mfaChanges.map((e) => e.detail || e.ts).join('; ')}); MFA now ${mfa.enabled === false ? 'disabled' : `enabled (${str(mfa.method) ?? '?'})`}.`,
    );
  if (changesNearForeign.length)
    evidence.push(
      `Account changes within 48 h of a foreign login: ${changesNearForeign.map((e) => `${e.type} ${e.ts}`).join(', ')}.`,
    );
  const s = clamp(score);
  const markers = [
    travel.length ? 'impossible travel' : '',
    newDeviceForeign.length ? 'a new device at a foreign login' : '',
    failedBurst >= 3 ? 'a failed-login burst' : '',
    mfaWeakened ? 'MFA disabled or downgraded' : mfaChanges.length ? 'an MFA change' : '',
    changeTypesNear ? 'account changes around the foreign login' : '',
  ].filter(Boolean);
  const finding = !logs
    ? 'Security logs could not be read; location risk is judged from the alert telemetry alone.'
    : s >= 0.6
      ? `Account-takeover pattern: ${foreign.length ? 'foreign access with ' : ''}${markers.join(', ')}.`
      : foreign.length
        ? `Logins from ${foreignCountries.join(', ')} outside the home countries${markers.length ? ` with ${markers.join(', ')}` : ' from a known device, no impossible travel, MFA intact: consistent with travel'}.`
        : markers.length
          ? `No foreign logins; noted ${markers.join(', ')}.`
          : 'Sign-ins are consistent with the customer history.';
  const kb = [
    travel.length ? 'impossible travel' : foreign.length ? 'foreign login travel' : 'login',
    mfaWeakened ? 'mfa disabled account takeover' : '',
    failedBurst >= 3 ? 'credential stuffing' : '',
    newDeviceForeign.length ? 'new device' : '',
  ];
  return { score: s, finding, evidence, kbQuery: kb.filter(Boolean).join(' ') };
}
