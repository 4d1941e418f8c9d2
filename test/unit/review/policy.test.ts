import { describe, expect, it } from 'vitest';
import { formatIsoMs, parseIsoMs } from '../../../src/review/isoTime';
import {
  ALLOWED_ACTIONS,
  actionIdempotencyKey,
  allowedActions,
  approvalErrors,
  classifyDecision,
  deadlineFor,
  decisionIdFor,
  decisionRequestErrors,
  isAllowedAction,
  matchDecision,
  needsReview,
  nextAfterReject,
  outcomeFor,
  parseDecisionRequest,
  type RecordedDecision,
} from '../../../src/review/policy';

const assessment = (riskScore: number, degraded: boolean[] = [false, false, false], overall = false) => ({
  riskScore,
  degraded: overall,
  findings: degraded.map((d) => ({ degraded: d })),
});

describe('needsReview', () => {
  it.each([
    { risk: 0.59, degraded: [false, false, false], review: false },
    { risk: 0.6, degraded: [false, false, false], review: true },
    { risk: 0.95, degraded: [false, false, false], review: true },
    { risk: 0.1, degraded: [false, true, false], review: true },
    { risk: 0, degraded: [true, true, true], review: true },
    { risk: Number.NaN, degraded: [false, false, false], review: true },
  ])('risk $risk, degraded findings $degraded → review: $review', ({ risk, degraded, review }) => {
    expect(needsReview(assessment(risk, degraded), 0.6)).toBe(review);
  });

  it('never auto-clears an assessment marked degraded as a whole', () => {
    expect(needsReview(assessment(0.05, [false, false, false], true), 0.6)).toBe(true);
  });
});

describe('deadlineFor', () => {
  it.each([
    { now: '2026-01-01T12:00:00.000Z', hours: 72, deadline: '2026-01-04T12:00:00.000Z' },
    { now: '2026-02-27T23:30:00Z', hours: 48, deadline: '2026-03-01T23:30:00.000Z' },
    { now: '2028-02-28T12:00:00+02:00', hours: 24, deadline: '2028-02-29T10:00:00.000Z' },
    { now: '2026-12-31T23:59:59.999Z', hours: 0.001, deadline: '2027-01-01T00:00:03.599Z' },
  ])('$now + $hours h → $deadline', ({ now, hours, deadline }) => {
    expect(deadlineFor(now, hours)).toBe(deadline);
  });

  it('refuses a bad time or timeout instead of inventing a deadline', () => {
    expect(() => deadlineFor('yesterday', 72)).toThrow(/not an ISO date-time/);
    expect(() => deadlineFor('2026-02-30T00:00:00Z', 72)).toThrow(/not an ISO date-time/);
    expect(() => deadlineFor('2026-01-01T00:00:00Z', 0)).toThrow(/positive/);
  });

  it('parses and formats ISO exactly like Date over four centuries of samples', () => {
    for (let ms = Date.UTC(1900, 0, 1); ms < Date.UTC(2300, 0, 1); ms += 7_777_777_777) {
      const iso = new Date(ms).toISOString();
      expect(formatIsoMs(ms)).toBe(iso);
      expect(parseIsoMs(iso)).toBe(ms);
      expect(parseIsoMs(iso.replace('Z', '-05:30'))).toBe(Date.parse(iso.replace('Z', '-05:30')));
    }
  });
});

describe('classifyDecision', () => {
  const ctx = { awaitingRound: 2, seenDecisionIds: ['d-1'] };
  it.each([
    { decisionId: 'd-2', round: 2, ctx, expected: 'accept' },
    { decisionId: 'd-2', round: 1, ctx, expected: 'stale' },
    { decisionId: 'd-2', round: 3, ctx, expected: 'stale' },
    { decisionId: 'd-1', round: 2, ctx, expected: 'duplicate' },
    { decisionId: 'd-1', round: 1, ctx, expected: 'duplicate' },
    { decisionId: 'd-3', round: 2, ctx: { awaitingRound: null, seenDecisionIds: [] }, expected: 'stale' },
  ])('$decisionId for round $round → $expected', ({ decisionId, round, ctx: c, expected }) => {
    expect(classifyDecision({ decisionId, round }, c)).toBe(expected);
  });
});

describe('nextAfterReject', () => {
  it.each([
    { round: 1, max: 3, next: 'reinvestigate' },
    { round: 2, max: 3, next: 'reinvestigate' },
    { round: 3, max: 3, next: 'escalate_max_rounds' },
    { round: 1, max: 1, next: 'escalate_max_rounds' },
  ])('rejecting round $round of $max → $next', ({ round, max, next }) => {
    expect(nextAfterReject(round, max)).toBe(next);
  });
});

describe('actions', () => {
  it('offers the four actions with the recommended one first', () => {
    expect(allowedActions()).toEqual(['lock_account', 'refund_charges', 'both', 'clear']);
    expect(allowedActions('both')).toEqual(['both', 'lock_account', 'refund_charges', 'clear']);
  });

  it.each([
    { action: 'lock_account', ok: true },
    { action: 'clear', ok: true },
    { action: 'delete_account', ok: false },
    { action: 'LOCK_ACCOUNT', ok: false },
    { action: undefined, ok: false },
  ])('an approval naming $action is allowed: $ok', ({ action, ok }) => {
    expect(isAllowedAction(action)).toBe(ok);
    // Cast: the point is a value from outside the typed set.
    const errors = approvalErrors({ decision: 'approve', action: action as never });
    expect(errors.length === 0).toBe(ok);
    if (!ok) expect(errors[0]?.field).toBe('action');
  });

  it('restricts approvals to a narrower set when the case offers one', () => {
    expect(approvalErrors({ decision: 'approve', action: 'both' }, ['lock_account', 'clear'])).toHaveLength(
      1,
    );
    expect(approvalErrors({ decision: 'reject', action: undefined })).toEqual([]);
  });

  it('keys the side effect by case, round and action', () => {
    expect(actionIdempotencyKey('case-1', 2, 'lock_account')).toBe('case-1:r2:lock_account');
    expect(ALLOWED_ACTIONS).toHaveLength(4);
  });
});

describe('outcomeFor', () => {
  it.each([
    { end: { kind: 'auto_cleared' } as const, outcome: 'auto_cleared' },
    { end: { kind: 'approved', action: 'lock_account' } as const, outcome: 'action_executed' },
    { end: { kind: 'approved', action: 'both' } as const, outcome: 'action_executed' },
    { end: { kind: 'approved', action: 'clear' } as const, outcome: 'cleared_by_analyst' },
    { end: { kind: 'timed_out' } as const, outcome: 'escalated_timeout' },
    { end: { kind: 'max_rounds' } as const, outcome: 'escalated_max_rounds' },
    { end: { kind: 'failed' } as const, outcome: 'escalated_failure' },
  ])('$end.kind $end.action → $outcome', ({ end, outcome }) => {
    expect(outcomeFor(end)).toBe(outcome);
  });
});

describe('decisionRequestErrors', () => {
  it.each([
    { body: { decision: 'approve', action: 'lock_account', round: 1 }, errors: [] },
    { body: { decision: 'reject', feedback: 'check the VPN logs', round: 2, analyst: 'ana' }, errors: [] },
    { body: { decision: 'approve', round: 1 }, errors: ['action'] },
    { body: { decision: 'approve', action: 'delete_everything', round: 1 }, errors: ['action'] },
    { body: { decision: 'reject', round: 1 }, errors: ['feedback'] },
    { body: { decision: 'reject', feedback: '   ', round: 1 }, errors: ['feedback'] },
    { body: { decision: 'reject', feedback: 'x', action: 'clear', round: 1 }, errors: ['action'] },
    { body: { decision: 'maybe', round: 1 }, errors: ['decision'] },
    { body: { decision: 'approve', action: 'clear', round: '1' }, errors: ['round'] },
    { body: { decision: 'approve', action: 'clear', round: 0 }, errors: ['round'] },
    { body: { decision: 'approve', action: 'clear' }, errors: ['round'] },
    {
      body: { decision: 'approve', action: 'clear', round: 1, admin: true, skipReview: 1 },
      errors: ['admin', 'skipReview'],
    },
    { body: null, errors: ['body'] },
    { body: [], errors: ['body'] },
    { body: 'approve', errors: ['body'] },
  ])('$body → errors on $errors', ({ body, errors }) => {
    const found = decisionRequestErrors(body);
    expect(found.map((e) => e.field).sort()).toEqual([...errors].sort());
    for (const e of found) expect(e.message.length).toBeGreaterThan(0);
  });

  it('parses a valid body into the typed request', () => {
    expect(parseDecisionRequest({ decision: 'approve', action: 'both', round: 1 })).toEqual({
      ok: true,
      request: { decision: 'approve', action: 'both', round: 1 },
    });
    expect(parseDecisionRequest({ decision: 'approve', round: 1 })).toMatchObject({
      ok: false,
      errors: [{ field: 'action' }],
    });
  });
});

describe('matchDecision (a repeated POST is answered idempotently)', () => {
  const recorded: RecordedDecision[] = [
    { decisionId: 'case-1:r1:reject', round: 1, decision: 'reject', action: undefined },
    { decisionId: 'case-1:r2:approve:lock_account', round: 2, decision: 'approve', action: 'lock_account' },
  ];
  it.each([
    { request: { round: 2, decision: 'approve', action: 'lock_account' } as const, kind: 'repeat' },
    { request: { round: 1, decision: 'reject' } as const, kind: 'repeat' },
    { request: { round: 2, decision: 'approve', action: 'both' } as const, kind: 'conflict' },
    { request: { round: 2, decision: 'reject' } as const, kind: 'conflict' },
    { request: { round: 3, decision: 'approve', action: 'clear' } as const, kind: 'new' },
  ])('round $request.round $request.decision $request.action → $kind', ({ request, kind }) => {
    expect(matchDecision(request, recorded).kind).toBe(kind);
  });

  it('derives the same decisionId for the same decision, so racing repeats are duplicates downstream', () => {
    const a = decisionIdFor('case-1', { round: 2, decision: 'approve', action: 'lock_account' });
    expect(a).toBe('case-1:r2:approve:lock_account');
    expect(matchDecision({ round: 2, decision: 'approve', action: 'lock_account' }, recorded)).toEqual({
      kind: 'repeat',
      decisionId: a,
    });
    expect(classifyDecision({ decisionId: a, round: 2 }, { awaitingRound: 2, seenDecisionIds: [a] })).toBe(
      'duplicate',
    );
  });
});
