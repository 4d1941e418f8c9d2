import type { ActionName, Assessment } from '../investigation/types';
import { formatIsoMs, parseIsoMs } from './isoTime';
import { DecisionRequest, type AnalystDecision, type Outcome } from './types';

/**
 * The review policy of DESIGN.md Layer 3 as pure functions. The `investigateCase` orchestration imports
 * this module, so it is deterministic: no Date, no Math.random, no env, no I/O.
 */

// ── When a human must look ───────────────────────────────────────────────────────────────────────────

/**
 * Review when the risk reaches the threshold, or when any finding is degraded (a fallback score no tool
 * evidence backs): a degraded investigation never auto-clears. An unreadable score also goes to review.
 * When the round carries the auto-clear policy's verdict (policy-autoclear.ts: a critical alert or two
 * corroborating rules need a verified benign explanation), a verdict against clearing is final too.
 */
export function needsReview(
  assessment: Pick<Assessment, 'riskScore' | 'degraded'> & {
    findings: ReadonlyArray<{ degraded: boolean }>;
    clearance?: { autoClear: boolean };
  },
  threshold: number,
): boolean {
  if (!Number.isFinite(assessment.riskScore)) return true;
  if (assessment.degraded || assessment.findings.some((f) => f.degraded)) return true;
  if (assessment.clearance && !assessment.clearance.autoClear) return true;
  return assessment.riskScore >= threshold;
}

/** The analyst's deadline: `nowIso` + `timeoutHours`, as UTC ISO (ms precision). */
export function deadlineFor(nowIso: string, timeoutHours: number): string {
  const now = parseIsoMs(nowIso);
  if (!Number.isFinite(now)) throw new RangeError(`deadlineFor: not an ISO date-time: ${nowIso}`);
  if (!(timeoutHours > 0) || !Number.isFinite(timeoutHours))
    throw new RangeError(`deadlineFor: timeoutHours must be a positive number, got ${timeoutHours}`);
  return formatIsoMs(now + Math.round(timeoutHours * 3_600_000));
}

// ── Decisions arriving at the orchestration ─────────────────────────────────────────────────────────

export type DecisionClass = 'accept' | 'stale' | 'duplicate';

export interface DecisionContext {
  /** The round the case is waiting on; null when it waits on none (then every decision is stale). */
  awaitingRound: number | null;
  /** decisionIds already received by this case, accepted or not. */
  seenDecisionIds: readonly string[];
}

/**
 * `duplicate` for a decisionId seen before (a repeat delivery), else `stale` for any round but the one
 * awaited (including rounds already decided), else `accept`. Stale and duplicate decisions change
 * nothing: the wait goes on with the same deadline.
 */
export function classifyDecision(
  decision: Pick<AnalystDecision, 'decisionId' | 'round'>,
  ctx: DecisionContext,
): DecisionClass {
  if (ctx.seenDecisionIds.includes(decision.decisionId)) return 'duplicate';
  if (ctx.awaitingRound === null || decision.round !== ctx.awaitingRound) return 'stale';
  return 'accept';
}

/** After a rejection in `round`: investigate again, or stop once `maxRounds` rounds were rejected. */
export function nextAfterReject(round: number, maxRounds: number): 'reinvestigate' | 'escalate_max_rounds' {
  return round >= maxRounds ? 'escalate_max_rounds' : 'reinvestigate';
}

// ── Actions ─────────────────────────────────────────────────────────────────────────────────────────

export const ALLOWED_ACTIONS: readonly ActionName[] = ['lock_account', 'refund_charges', 'both', 'clear'];

/**
 * The actions an analyst may approve, the recommended one first. Code fixes this set; nothing a model,
 * a tool result or telemetry says can add to it.
 */
export function allowedActions(recommended?: ActionName): ActionName[] {
  if (!recommended || !ALLOWED_ACTIONS.includes(recommended)) return [...ALLOWED_ACTIONS];
  return [recommended, ...ALLOWED_ACTIONS.filter((a) => a !== recommended)];
}

export function isAllowedAction(
  action: unknown,
  allowed: readonly ActionName[] = ALLOWED_ACTIONS,
): action is ActionName {
  return typeof action === 'string' && (allowed as readonly string[]).includes(action);
}

/** Checks an approval before anything executes: it must name an action from the allowed set. */
export function approvalErrors(
  decision: Pick<AnalystDecision, 'decision' | 'action'>,
  allowed: readonly ActionName[] = ALLOWED_ACTIONS,
): FieldError[] {
  if (decision.decision !== 'approve') return [];
  if (decision.action === undefined)
    return [{ field: 'action', message: `approve needs an action: ${allowed.join(', ')}` }];
  if (!isAllowedAction(decision.action, allowed))
    return [
      {
        field: 'action',
        message: `"${String(decision.action)}" is not allowed here; choose one of ${allowed.join(', ')}`,
      },
    ];
  return [];
}

/** Idempotency key of the side effect: one (case, round, action) acts at most once. */
export function actionIdempotencyKey(caseId: string, round: number, action: ActionName): string {
  return `${caseId}:r${round}:${action}`;
}

// ── Outcomes ────────────────────────────────────────────────────────────────────────────────────────

/** How a case ended, as the orchestration saw it. */
export type CaseEnd =
  | { kind: 'auto_cleared' }
  | { kind: 'approved'; action: ActionName }
  | { kind: 'timed_out' }
  | { kind: 'max_rounds' }
  | { kind: 'failed' };

export function outcomeFor(end: CaseEnd): Outcome {
  switch (end.kind) {
    case 'auto_cleared':
      return 'auto_cleared';
    case 'approved':
      return end.action === 'clear' ? 'cleared_by_analyst' : 'action_executed';
    case 'timed_out':
      return 'escalated_timeout';
    case 'max_rounds':
      return 'escalated_max_rounds';
    case 'failed':
      return 'escalated_failure';
  }
}

// ── The decision HTTP body ──────────────────────────────────────────────────────────────────────────

export interface FieldError {
  field: string;
  message: string;
}

/**
 * Field errors for a 400 (empty when the body is valid). Each names the field by its dotted path
 * (`body` for the body itself), one error per field; unknown fields get one error each.
 */
export function decisionRequestErrors(body: unknown): FieldError[] {
  const parsed = DecisionRequest.safeParse(body);
  if (parsed.success) return [];
  const errors = parsed.error.issues.flatMap((issue): FieldError[] => {
    const prefix = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys')
      return issue.keys.map((key) => ({
        field: prefix ? `${prefix}.${key}` : key,
        message: 'unknown field; allowed: decision, action, feedback, round, analyst',
      }));
    return [{ field: prefix || 'body', message: issue.message }];
  });
  // One error per field: the first is the most basic (a refinement may restate a failed check).
  return errors.filter((e, i) => errors.findIndex((x) => x.field === e.field) === i);
}

/** Parses a decision body: the typed request, or the field errors for a 400. */
export function parseDecisionRequest(
  body: unknown,
): { ok: true; request: DecisionRequest } | { ok: false; errors: FieldError[] } {
  const parsed = DecisionRequest.safeParse(body);
  return parsed.success
    ? { ok: true, request: parsed.data }
    : { ok: false, errors: decisionRequestErrors(body) };
}

// ── Repeated POSTs ──────────────────────────────────────────────────────────────────────────────────

export type RecordedDecision = Pick<AnalystDecision, 'decisionId' | 'round' | 'decision' | 'action'>;

/**
 * What a POSTed decision is, given the decisions the case already recorded:
 * - `repeat`: the same round, decision and action → answer as before (202), no second effect;
 * - `conflict`: that round was already decided differently → 409;
 * - `new`: nothing recorded for that round yet.
 */
export type DecisionMatch =
  { kind: 'new' } | { kind: 'repeat'; decisionId: string } | { kind: 'conflict'; existing: RecordedDecision };

export function matchDecision(
  request: Pick<DecisionRequest, 'round' | 'decision' | 'action'>,
  recorded: readonly RecordedDecision[],
): DecisionMatch {
  const sameRound = recorded.find((d) => d.round === request.round);
  if (!sameRound) return { kind: 'new' };
  if (sameRound.decision === request.decision && (sameRound.action ?? null) === (request.action ?? null))
    return { kind: 'repeat', decisionId: sameRound.decisionId };
  return { kind: 'conflict', existing: sameRound };
}

/**
 * A decisionId derived from what was decided, so two racing identical POSTs raise events the
 * orchestration recognises as one (`classifyDecision` → duplicate).
 */
export function decisionIdFor(
  caseId: string,
  request: Pick<DecisionRequest, 'round' | 'decision' | 'action'>,
): string {
  return `${caseId}:r${request.round}:${request.decision}${request.action ? `:${request.action}` : ''}`;
}
