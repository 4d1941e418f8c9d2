import { describe, expect, it } from 'vitest';
import { decide, instanceState, parseDecisionRequest } from '../../../src/api/decision';
import { ApiError } from '../../../src/api/errors';
import { caseStatus, decision, T0 } from './builders';

const approve = { decision: 'approve' as const, action: 'lock_account' as const, round: 1 };

describe('decisions', () => {
  it('raises an event with a deterministic id when the case awaits this round', () => {
    const v = decide('case-a1', caseStatus(), 'running', approve, 'ana', T0);
    expect(v.kind).toBe('raise');
    if (v.kind !== 'raise') return;
    expect(v.event).toMatchObject({
      decision: 'approve',
      action: 'lock_account',
      round: 1,
      analyst: 'ana',
      decidedAt: T0,
    });
    expect(v.event.decisionId).toMatch(/^dec-[0-9a-f]{24}$/);
    const again = decide('case-a1', caseStatus(), 'running', approve, 'ana', '2026-11-23T00:00:00Z');
    expect(again.kind === 'raise' && again.event.decisionId).toBe(v.event.decisionId);
  });

  it('answers a repeat of an accepted decision without raising, even after the case moved on', () => {
    const status = caseStatus({ stage: 'closed', outcome: 'action_executed', decisions: [decision()] });
    expect(decide('case-a1', status, 'finished', approve, 'bob', T0)).toMatchObject({
      kind: 'repeat',
      previous: { decisionId: 'dec-1' },
    });
  });

  it('does not treat a stale or duplicate record, or another action, as a repeat', () => {
    const status = caseStatus({
      stage: 'executing',
      decisions: [decision({ disposition: 'stale' }), decision({ action: 'both' })],
    });
    expect(decide('case-a1', status, 'running', approve, 'ana', T0)).toMatchObject({
      kind: 'conflict',
      error: 'case is not awaiting a decision',
      details: { stage: 'executing', round: 1 },
    });
  });

  it('conflicts on another round', () => {
    expect(decide('case-a1', caseStatus({ round: 2 }), 'running', approve, 'ana', T0)).toMatchObject({
      kind: 'conflict',
      error: 'decision is for round 1 but the case is at round 2',
      details: { stage: 'awaiting_decision', round: 2 },
    });
  });

  it('conflicts when the instance can no longer take events', () => {
    expect(decide('case-a1', caseStatus(), 'finished', approve, 'ana', T0).kind).toBe('conflict');
  });

  it('conflicts, saying so, when the instance is suspended: the decision would wait unprocessed', () => {
    expect(decide('case-a1', caseStatus(), 'suspended', approve, 'ana', T0)).toMatchObject({
      kind: 'conflict',
      error: expect.stringContaining('suspended'),
      details: { stage: 'awaiting_decision', round: 1, suspended: true },
    });
  });

  it('still answers a repeat of an accepted decision while suspended (nothing is raised)', () => {
    const status = caseStatus({ stage: 'executing', decisions: [decision()] });
    expect(decide('case-a1', status, 'suspended', approve, 'bob', T0).kind).toBe('repeat');
  });

  it('maps runtime statuses to instance states', () => {
    expect(
      ['Running', 'Pending', 'ContinuedAsNew', 'Suspended', 'Completed', 'Failed', 'Terminated'].map(
        instanceState,
      ),
    ).toEqual(['running', 'running', 'running', 'suspended', 'finished', 'finished', 'finished']);
  });

  it.each([
    [{ ...approve, extra: 1 }, 'extra', 'unknown field'],
    [{ decision: 'approve', round: 1 }, 'action', 'approve needs an action'],
    [{ decision: 'reject', round: 1 }, 'feedback', 'reject needs feedback'],
    [{ decision: 'reject', round: 1, feedback: 'x', action: 'both' }, 'action', 'reject takes no action'],
    [{ decision: 'maybe', round: 1 }, 'decision', 'Invalid option'],
    [{ ...approve, round: '1' }, 'round', 'expected number'],
    [{ ...approve, round: 0 }, 'round', ''],
    [{ ...approve, round: 1.5 }, 'round', ''],
    [{ ...approve, action: 'drop_table' }, 'action', ''],
    [{ decision: 'reject', round: 1, feedback: '   ' }, 'feedback', ''],
    [
      '{"decision":"approve","action":"lock_account","round":1,"__proto__":{"polluted":true}}',
      '__proto__',
      'unknown field',
    ],
  ])('rejects %j naming %s', (body, path, message) => {
    try {
      parseDecisionRequest(typeof body === 'string' ? JSON.parse(body) : body);
      expect.unreachable();
    } catch (e) {
      expect((e as ApiError).status).toBe(400);
      expect((e as ApiError).details).toEqual(
        expect.arrayContaining([{ path, message: expect.stringContaining(message) }]),
      );
    }
  });
});
