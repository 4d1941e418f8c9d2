import type { Alert } from '../detection/schema';
import { caseSession, type SessionState } from '../durable/entities';
import { registerEntity } from '../durable/typed';
import {
  addEvidence,
  addFeedback,
  openSession,
  recordRound,
  type CaseSession,
} from '../investigation/session';
import { CaseSessionOps } from '../names';

/**
 * The durable conversation of one case (key = case id): alert, every round's transcript and assessment,
 * the analyst's feedback and later evidence. The orchestrator signals it; the API and console read it.
 * Its evidence is what the case read from its inbox in the customerProfile entity (src/cases/routing.ts),
 * so a case's record names exactly the alerts it weighed. Evidence that reaches a session before it is
 * opened (an older build delivered it there) waits in `pendingEvidence` until then.
 */
const MAX_PENDING = 25;

const isOpen = (s: SessionState): s is CaseSession => s !== undefined && 'schemaVersion' in s;
const pendingOf = (s: SessionState): Alert[] => (s && 'pendingEvidence' in s ? s.pendingEvidence : []);
const withAlerts = (s: CaseSession, alerts: Alert[], at: string, round?: number) =>
  alerts.reduce((acc, alert) => addEvidence(acc, { alert, at, ...(round ? { round } : {}) }), s);

registerEntity(caseSession, {
  [CaseSessionOps.open]: (state, input) =>
    isOpen(state) ? {} : { state: withAlerts(openSession(input), pendingOf(state), input.openedAt) },
  [CaseSessionOps.recordRound]: (state, input) =>
    isOpen(state)
      ? {
          state: recordRound(state, {
            round: input.round,
            entries: input.transcripts.flat(),
            assessment: input.assessment,
            at: input.at,
          }),
        }
      : {},
  [CaseSessionOps.addFeedback]: (state, input) =>
    isOpen(state)
      ? {
          state: addFeedback(state, {
            round: input.round,
            text: input.feedback,
            at: input.at,
            ...(input.analyst ? { analyst: input.analyst } : {}),
          }),
        }
      : {},
  [CaseSessionOps.addEvidence]: (state, input) => {
    if (isOpen(state)) return { state: withAlerts(state, input.alerts, input.at, input.round) };
    const waiting = pendingOf(state);
    const known = new Set(waiting.map((a) => a.alertId));
    const fresh = input.alerts.filter((a) => !known.has(a.alertId));
    return { state: { pendingEvidence: [...waiting, ...fresh].slice(-MAX_PENDING) } };
  },
  [CaseSessionOps.get]: (state) => ({ result: isOpen(state) ? state : null }),
});
