import {
  arr,
  clamp,
  fmt,
  median,
  num,
  obj,
  str,
  type Analysis,
  type AlertFacts,
  type ToolResult,
} from './read';

/** Usage: recent daily MB against a robust (median) baseline of the same line, per subscription. */
export function analyzeUsage(results: readonly ToolResult[], alert: AlertFacts): Analysis {
  const perLine: Array<{ id: string; score: number; text: string; recentRatio: number }> = [];
  const evidence: string[] = [];
  const lines = new Map<string, Record<string, unknown>>();
  for (const r of results.filter((x) => x.tool === 'get_data_usage')) {
    const v = obj(r.value);
    const id = str(v.subscriptionId);
    // Several windows per line (a re-check after feedback): the widest one wins.
    if (id && arr(v.daily).length >= arr(lines.get(id)?.daily).length) lines.set(id, v);
  }
  let alertBaseline: number | undefined;
  for (const [id, v] of lines) {
    const daily = arr(v.daily).map((d) => ({ date: str(obj(d).date) ?? '', mb: num(obj(d).mb) ?? 0 }));
    if (daily.length < 8) continue;
    const recent = daily.slice(-7);
    const before = daily.slice(0, -7);
    const baseline = Math.max(1, median(before.map((d) => d.mb)));
    alertBaseline ??= baseline;
    const over = (d: { mb: number }) => d.mb > 4 * baseline;
    const spikesRecent = recent.filter(over);
    const spikesOlder = before.filter(over);
    const recentRatio = recent.reduce((s, d) => s + d.mb, 0) / recent.length / baseline;
    const peak = daily.reduce((m, d) => (d.mb > m.mb ? d : m), daily[0]!);
    let score: number;
    if (spikesRecent.length >= 3 || (spikesRecent.length >= 2 && recentRatio >= 2.5))
      score = 0.85 + 0.04 * Math.min(2, Math.max(0, spikesRecent.length - 2)) + (recentRatio >= 5 ? 0.03 : 0);
    else if (spikesRecent.length === 1) score = 0.4;
    else if (spikesOlder.length > 0) score = 0.3;
    else score = recentRatio < 1.5 ? 0.08 : recentRatio < 2.5 ? 0.2 : 0.4;
    perLine.push({ id, score, recentRatio, text: `${id}` });
    evidence.push(
      `${id}: last 7 days average ${Math.round(recentRatio * baseline)} MB/day = ${fmt(recentRatio)}x its median baseline ${Math.round(baseline)} MB/day; ` +
        `${spikesRecent.length} of the last 7 days above 4x baseline` +
        (spikesOlder.length
          ? `, ${spikesOlder.length} earlier day(s) above 4x (${spikesOlder
              .map((d) => d.date)
              .slice(0, 5)
              .join(', ')})`
          : '') +
        `; peak ${peak.mb} MB on ${peak.date} (${fmt(peak.mb / baseline)}x).`,
    );
  }
  // The alert's own telemetry: a usage event far above the line's baseline is one more spike day.
  const eventMb = Math.max(
    0,
    ...alert.events.filter((e) => e.type === 'data_usage').map((e) => num(e.mb) ?? 0),
  );
  let telemetry = 0;
  if (eventMb > 0 && alertBaseline) {
    const ratio = eventMb / alertBaseline;
    evidence.push(`Alert telemetry: ${Math.round(eventMb)} MB reported, ${fmt(ratio)}x the baseline.`);
    if (ratio > 4) telemetry = 0.4;
  }
  const best = perLine.reduce((m, l) => (l.score > m.score ? l : m), {
    id: '',
    score: 0,
    text: '',
    recentRatio: 0,
  });
  const score = clamp(Math.max(best.score, telemetry, perLine.length ? 0 : 0.1));
  const finding = !perLine.length
    ? 'No usage series could be read, so usage is unverified.'
    : score >= 0.6
      ? `Sustained usage spike on ${best.id}: several recent days far above its baseline, a data-exfiltration or SIM-misuse pattern.`
      : score >= 0.3
        ? 'Usage shows an isolated spike, plausibly benign (one heavy day or an older billed spike), not a sustained pattern.'
        : 'Usage is consistent with the customer baseline.';
  return {
    score,
    finding,
    evidence,
    kbQuery: score >= 0.6 ? 'data exfiltration sustained usage spike' : 'single usage spike benign heavy day',
  };
}
