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

export function caseSessionEntity(context: EntityContext<CaseSession>): void {
  const raw = context.df.getState();
  const current = raw === undefined || raw === null ? undefined : migrateSession(raw);
  const input = context.df.getInput();
  const save = (next: CaseSession | undefined) => next && next !== raw && context.df.setState(next);

  switch (context.df.operationName) {
    case CaseSessionOps.open: {
      const p = Open.safeParse(input);
      if (p.success && !current) save(openSession(p.data));
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
      if (p.success && current)
        save(p.data.alerts.reduce((s, alert) => addEvidence(s, { alert, at: p.data.at }), current));
      return;
    }
    case CaseSessionOps.get:
      context.df.return(current ?? null);
      return;
    default:
      return;
  }
}

df.app.entity(Entities.caseSession, caseSessionEntity);
