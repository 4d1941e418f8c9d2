import { z } from 'zod';
import type { Alert } from '../detection/schema';
import { directivesFor } from './feedback';
import type { RoundSummary } from './session';
import { ActionName, SpecialistName } from './types';

/**
 * What changed between two rounds of a case, and why: the analyst's feedback and what it asked for, the
 * alerts that arrived in between, and per specialist the new checks it made, the score it moved to, the
 * evidence and explanations that were not there before. The session keeps it with the later round; the
 * case view shows it.
 */
export const RoundChange = z.object({
  fromRound: z.number().int().positive(),
  riskFrom: z.number(),
  riskTo: z.number(),
  actionFrom: ActionName,
  actionTo: ActionName,
  feedback: z.string().max(600).optional(),
  intents: z.array(z.string()).max(10),
  newAlerts: z.array(z.string().max(200)).max(25),
  specialists: z
    .array(
      z.object({
        specialist: SpecialistName,
        from: z.number(),
        to: z.number(),
        newChecks: z.array(z.string().max(200)).max(10),
        added: z.array(z.string().max(240)).max(5),
        explained: z.array(z.string().max(200)).max(5),
      }),
    )
    .max(3),
  why: z.string().max(2000),
});
export type RoundChange = z.infer<typeof RoundChange>;

export function describeRoundChange(
  before: RoundSummary,
  after: RoundSummary,
  feedback: readonly string[],
  newAlerts: readonly Alert[],
): RoundChange {
  const intents = directivesFor(feedback).map((d) => d.intent);
  const specialists = after.findings.map((f) => {
    const prior = before.findings.find((p) => p.specialist === f.specialist);
    const had = new Set(prior?.tools ?? []);
    const evidenceBefore = new Set(prior?.evidence ?? []);
    const explainedBefore = new Set((prior?.explanations ?? []).map((e) => `${e.kind} ${e.ref}`));
    return {
      specialist: f.specialist,
      from: prior?.riskScore ?? 0,
      to: f.riskScore,
      newChecks: (f.tools ?? []).filter((t) => !had.has(t)).slice(0, 10),
      added: (f.evidence ?? []).filter((e) => !evidenceBefore.has(e)).slice(0, 5),
      explained: (f.explanations ?? [])
        .map((e) => `${e.kind} ${e.ref}`)
        .filter((e) => !explainedBefore.has(e))
        .slice(0, 5),
    };
  });
  const reasons: string[] = [];
  const lastFeedback = feedback.at(-1);
  if (lastFeedback)
    reasons.push(
      `The analyst asked: "${lastFeedback.slice(0, 200)}" (${intents.join(', ') || 'no specific check'}).`,
    );
  if (newAlerts.length)
    reasons.push(
      `${newAlerts.length} new alert(s) arrived: ${[...new Set(newAlerts.map((a) => a.rule))].join(', ')}.`,
    );
  for (const s of specialists) {
    const moved =
      s.to !== s.from ? `${s.from.toFixed(2)} → ${s.to.toFixed(2)}` : `stayed at ${s.to.toFixed(2)}`;
    const checks = s.newChecks.length
      ? `; checked ${s.newChecks.map((c) => c.split(' ')[0]).join(', ')}`
      : '';
    const found = s.explained.length ? `; found ${s.explained.join(', ')}` : '';
    if (s.newChecks.length || s.to !== s.from || s.explained.length)
      reasons.push(`${s.specialist} ${moved}${checks}${found}.`);
  }
  reasons.push(
    `Risk ${before.riskScore.toFixed(2)} → ${after.riskScore.toFixed(2)}, recommended ${before.recommendedAction} → ${after.recommendedAction}.`,
  );
  return {
    fromRound: before.round,
    riskFrom: before.riskScore,
    riskTo: after.riskScore,
    actionFrom: before.recommendedAction,
    actionTo: after.recommendedAction,
    ...(lastFeedback ? { feedback: lastFeedback.slice(0, 600) } : {}),
    intents,
    newAlerts: newAlerts.map((a) => `${a.rule} ${a.alertId}`.slice(0, 200)).slice(0, 25),
    specialists,
    why: reasons.join(' ').slice(0, 2000),
  };
}
