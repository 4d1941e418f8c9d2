import * as df from 'durable-functions';
import type { EntityContext } from 'durable-functions';
import { z } from 'zod';
import { Alert } from '../detection/schema';
import {
  addEvidence,
  addFeedback,
  migrateSession,
  openSession,
  recordRound,
  SessionEntry,
  type CaseSession,
} from '../investigation/session';
import { Assessment } from '../investigation/types';
import { CaseSessionOps, Entities } from '../names';

/**
 * The durable conversation of one case (key = case id): alert, every round's transcript and assessment,
 * the analyst's feedback and later evidence. The orchestrator signals it; the API and console read it.
 * Operations validate their input and never throw: a bad signal changes nothing.
 */
const Open = z.object({ caseId: z.string(), alert: Alert, openedAt: z.string() });
const Round = z.object({
  round: z.number().int().positive(),
  assessment: Assessment,
  transcripts: z.array(z.array(SessionEntry)),
  at: z.string(),
});
const Feedback = z.object({
  round: z.number().int().positive(),
  feedback: z.string(),
  analyst: z.string().optional(),
  at: z.string(),
});
const Evidence = z.object({ alerts: z.array(Alert), at: z.string() });

/** Evidence can reach the inbox before the case has opened its session: it waits here until then. */
const Pending = z.object({ pendingEvidence: z.array(Alert) });
const MAX_PENDING = 25;

export function caseSessionEntity(context: EntityContext<CaseSession | z.infer<typeof Pending>>): void {
  const raw = context.df.getState();
  const pending = Pending.safeParse(raw);
  const current = raw === undefined || raw === null || pending.success ? undefined : migrateSession(raw);
  const waiting = pending.success ? pending.data.pendingEvidence : [];
  const input = context.df.getInput();
  const save = (next: CaseSession | undefined) => next && next !== raw && context.df.setState(next);
  const withAlerts = (s: CaseSession, alerts: Alert[], at: string) =>
    alerts.reduce((acc, alert) => addEvidence(acc, { alert, at }), s);

  switch (context.df.operationName) {
    case CaseSessionOps.open: {
      const p = Open.safeParse(input);
      if (p.success && !current) save(withAlerts(openSession(p.data), waiting, p.data.openedAt));
      return;
    }
    case CaseSessionOps.recordRound: {
      const p = Round.safeParse(input);
      if (p.success && current)
        save(
          recordRound(current, {
            round: p.data.round,
            entries: p.data.transcripts.flat(),
            assessment: p.data.assessment,
            at: p.data.at,
          }),
        );
      return;
    }
    case CaseSessionOps.addFeedback: {
      const p = Feedback.safeParse(input);
      if (p.success && current)
        save(
          addFeedback(current, {
            round: p.data.round,
            text: p.data.feedback,
            at: p.data.at,
            ...(p.data.analyst ? { analyst: p.data.analyst } : {}),
          }),
        );
      return;
    }
    case CaseSessionOps.addEvidence: {
      const p = Evidence.safeParse(input);
      if (!p.success) return;
      if (current) save(withAlerts(current, p.data.alerts, p.data.at));
      else {
        const known = new Set(waiting.map((a) => a.alertId));
        const fresh = p.data.alerts.filter((a) => !known.has(a.alertId));
        context.df.setState({ pendingEvidence: [...waiting, ...fresh].slice(-MAX_PENDING) });
      }
      return;
    }
    case CaseSessionOps.evidence:
      // The case's inbox of later alerts (bounded by the session's own limit).
      context.df.return(current ? current.evidence.map((e) => e.alert) : waiting);
      return;
    case CaseSessionOps.get:
      context.df.return(current ?? null);
      return;
    default:
      return;
  }
}

df.app.entity(Entities.caseSession, caseSessionEntity);
