import type { CaseStatus, DecisionRecord } from '../cases/types';
import { isFinished } from '../durable/status';
import { AnalystDecision, DecisionRequest } from '../review/types';
import { badRequest, zodFieldErrors } from './errors';
import { decisionIdFor } from './ids';

/** Body → DecisionRequest, or a 400 naming every bad or unknown field. */
export function parseDecisionRequest(body: unknown): DecisionRequest {
  const parsed = DecisionRequest.safeParse(body);
  if (!parsed.success) {
    const details = zodFieldErrors(parsed.error);
    throw badRequest(
      `invalid decision: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`,
      details,
    );
  }
  return parsed.data;
}

export type DecisionVerdict =
  | { kind: 'raise'; event: AnalystDecision }
  | { kind: 'repeat'; previous: DecisionRecord }
  | { kind: 'conflict'; error: string; details: { stage: string; round: number; suspended?: true } };

/** Whether the case's instance can take a decision now: a suspended one would hold it unprocessed. */
export type InstanceState = 'running' | 'suspended' | 'finished';

export function instanceState(runtimeStatus: string): InstanceState {
  if (runtimeStatus === 'Suspended') return 'suspended';
  return isFinished(runtimeStatus) ? 'finished' : 'running';
}

/**
 * What to do with a valid decision for a case in `status`. A decision already accepted for the same
 * round, decision and action is a repeat: answered without raising again. Otherwise the instance must be
 * running (not suspended, not finished) and the case awaiting a decision for exactly this round.
 */
export function decide(
  caseId: string,
  status: CaseStatus,
  state: InstanceState,
  req: DecisionRequest,
  analyst: string,
  decidedAt: string,
): DecisionVerdict {
  const previous = status.decisions.find(
    (d) =>
      d.disposition === 'accepted' &&
      d.round === req.round &&
      d.decision === req.decision &&
      (d.action ?? null) === (req.action ?? null),
  );
  if (previous) return { kind: 'repeat', previous };
  const details = { stage: status.stage, round: status.round };
  if (state === 'suspended')
    return {
      kind: 'conflict',
      error: 'case is suspended: a decision would wait unprocessed until it is resumed',
      details: { ...details, suspended: true },
    };
  if (state === 'finished' || status.stage !== 'awaiting_decision')
    return { kind: 'conflict', error: 'case is not awaiting a decision', details };
  if (req.round !== status.round) {
    return {
      kind: 'conflict',
      error: `decision is for round ${req.round} but the case is at round ${status.round}`,
      details,
    };
  }
  const event: AnalystDecision = {
    decisionId: decisionIdFor({
      caseId,
      round: req.round,
      decision: req.decision,
      action: req.action,
      feedback: req.feedback,
      analyst,
    }),
    decision: req.decision,
    ...(req.action ? { action: req.action } : {}),
    ...(req.feedback ? { feedback: req.feedback } : {}),
    round: req.round,
    analyst,
    decidedAt,
  };
  return { kind: 'raise', event: AnalystDecision.parse(event) };
}
