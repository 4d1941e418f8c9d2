import { describe, expect, it } from 'vitest';
import { step } from '../../../src/cases/reducer';
import { UnexpectedEvent } from '../../../src/cases/transitions';
import { alert, applied, assessment, at, caseInput, decision, Driver, ev, T0 } from './builders';

/**
 * The case reducer, stage by stage and event by event: what the case records and what it waits on next.
 * The orchestrator only carries these commands out (test/scenarios covers that on the real host).
 */

const awaiting = (input = caseInput()) => new Driver(input).assess(0.8).feed(ev.notified(0.2));

describe('a new case', () => {
  it('opens its session, publishes schemaVersion 1 and reads its inbox before the first round', () => {
    const d = new Driver();
    expect(d.effects).toEqual([
      { kind: 'openSession', input: { caseId: 'case-A', alert: caseInput().alert, openedAt: T0 } },
    ]);
    expect(d.status).toMatchObject({ schemaVersion: 1, stage: 'investigating', round: 1, evidenceCount: 0 });
    expect(d.status.timeline.map((t) => t.event)).toEqual(['opened']);
    expect(d.command).toEqual({ kind: 'readEvidence' });
  });

  it('investigates round 1 with the opening alert, no feedback and what its inbox held', () => {
    const later = alert('B', 50);
    const d = new Driver().feed(ev.evidence(0.1, [later]));
    expect(d.command).toEqual({
      kind: 'investigate',
      round: 1,
      alert: caseInput().alert,
      priorRounds: [],
      feedback: [],
      newEvidence: [later],
      threshold: 0.6,
    });
    expect(d.status.evidenceCount).toBe(1);
    expect(d.status.timeline.at(-1)).toMatchObject({
      event: 'evidence_added',
      detail: '1 new alert(s): large_transaction',
    });
  });
});

describe('reading the inbox', () => {
  it('takes each alert once, never the opening alert, and counts what a flood pushed out', () => {
    const d = new Driver().feed(ev.evidence(0.1, [alert('B'), alert('B'), alert('A')]));
    expect(d.status.evidenceCount).toBe(1);
    d.feed(ev.investigated(0.2, assessment(1, 0.2)), ev.evidence(0.3, [alert('B'), alert('C')], 4));
    expect(d.status.evidenceCount).toBe(6);
    expect(d.state.evidence.map((a) => a.alertId)).toEqual(['B', 'C']);
    const added = d.status.timeline.filter((t) => t.event === 'evidence_added').at(-1);
    expect(added?.detail).toMatch(/^5 new alert\(s\).*4 more not kept/);
  });

  it('records in the session exactly the alerts it read, once each, in the round it read them', () => {
    const d = new Driver().feed(ev.evidence(0.1, [alert('B'), alert('B'), alert('A')]));
    d.feed(ev.investigated(0.2, assessment(1, 0.2)), ev.evidence(0.3, [alert('B'), alert('C')]));
    d.feed(ev.evidence(0.4, []));
    const recorded = d.effects.filter((e) => e.kind === 'addEvidence');
    expect(recorded.map((e) => [e.input.round, e.input.alerts.map((a) => a.alertId)])).toEqual([
      [1, ['B']],
      [1, ['C']],
    ]);
  });

  it('keeps only the newest 25 alerts in full for the prompts, and counts them all', () => {
    const many = Array.from({ length: 30 }, (_, i) => alert(`E${i}`));
    const d = new Driver().feed(ev.evidence(0.1, many));
    expect(d.status.evidenceCount).toBe(30);
    expect(d.state.evidence.map((a) => a.alertId)).toEqual(many.slice(5).map((a) => a.alertId));
  });
});

describe('after an assessment', () => {
  it('records the round and asks the analyst when the risk reaches the threshold, with a 72 h deadline', () => {
    const d = new Driver().assess(0.6, 1);
    expect(d.effects.at(-1)).toMatchObject({ kind: 'recordRound', input: { round: 1 } });
    expect(d.status).toMatchObject({ stage: 'awaiting_decision', deadline: at(73) });
    expect(d.status.timeline.map((t) => t.event)).toEqual(['opened', 'assessed', 'awaiting_decision']);
    expect(d.command).toMatchObject({ kind: 'notifyAnalyst', status: { stage: 'awaiting_decision' } });
    d.feed(ev.notified(1.1));
    expect(d.command).toEqual({ kind: 'awaitDecision', deadline: at(73) });
  });

  it('asks the analyst about a degraded low-risk round: without evidence it never auto-clears', () => {
    const d = new Driver().assess(0.1, 0.1, 1, true);
    expect(d.command.kind).toBe('notifyAnalyst');
  });

  it('auto-clears a low-risk round when its inbox is still empty, and releases before closing', () => {
    const d = new Driver().assess(0.2);
    expect(d.command).toEqual({ kind: 'readEvidence', final: 'ifEmpty' });
    d.feed(ev.lastRead(0.3));
    expect(d.command).toEqual({ kind: 'release' });
    expect(d.status.stage).toBe('investigating'); // not final until released
    d.feed(ev.released(0.4));
    expect(d.status).toMatchObject({ stage: 'closed', outcome: 'auto_cleared' });
    expect(d.status.timeline.at(-1)).toMatchObject({ event: 'auto_cleared', detail: 'risk 0.20 below 0.6' });
    expect(d.command).toMatchObject({ kind: 'notify', notice: 'autoClear' });
    d.feed(ev.notified(0.5));
    expect(d.command).toMatchObject({ kind: 'notify', notice: 'sendNotification' });
    d.feed(ev.notified(0.6));
    expect(d.command).toEqual({ kind: 'complete', output: d.status });
  });

  it('looks again instead of clearing when alerts arrived during a low-risk round', () => {
    const d = new Driver().assess(0.2).feed(ev.evidence(0.3, [alert('B')]));
    expect(d.status.round).toBe(2);
    expect(d.status.timeline.at(-1)).toMatchObject({
      event: 'reinvestigating',
      detail: 'new evidence arrived',
    });
    d.feed(ev.evidence(0.4));
    expect(d.command).toMatchObject({
      kind: 'investigate',
      round: 2,
      newEvidence: [alert('B')],
      priorRounds: [{ round: 1, riskScore: 0.2, level: 'low', reasoning: 'because' }],
    });
  });

  it('asks the analyst when evidence arrives during a low-risk round and no rounds are left', () => {
    const d = new Driver(caseInput({ maxRounds: 1 })).assess(0.2).feed(ev.evidence(0.3, [alert('B')]));
    expect(d.status).toMatchObject({ stage: 'awaiting_decision', round: 1 });
    expect(d.command.kind).toBe('notifyAnalyst');
  });

  it('escalates an investigation that failed after its retries, never clearing it', () => {
    const d = new Driver().feed(ev.evidence(0.1), ev.investigationFailed(0.2, 'model down'));
    expect(d.command).toEqual({ kind: 'readEvidence', final: 'always' });
    d.feed(ev.lastRead(0.25), ev.released(0.3));
    expect(d.status).toMatchObject({ stage: 'closed', outcome: 'escalated_failure' });
    expect(d.status.timeline.at(-1)?.detail).toBe('investigation failed: model down');
    expect(d.command).toMatchObject({
      kind: 'notify',
      notice: 'escalate',
      escalation: { reason: 'escalated_failure', detail: 'investigation failed: model down' },
    });
  });
});

describe('waiting for the analyst', () => {
  it('still waits when the analyst could not be notified, and says so', () => {
    const d = new Driver().assess(0.8).feed(ev.notified(0.2, 'webhook 500'));
    expect(d.status.timeline.at(-1)).toMatchObject({ event: 'notification_failed', detail: 'webhook 500' });
    expect(d.command.kind).toBe('awaitDecision');
  });

  it('escalates when the deadline passes', () => {
    const d = awaiting().feed(ev.deadlinePassed(72.1), ev.lastRead(72.15), ev.released(72.2));
    expect(d.status).toMatchObject({ stage: 'closed', outcome: 'escalated_timeout' });
    expect(d.status.timeline.at(-1)?.detail).toBe(`no decision by ${at(72.1)}`);
  });

  it('ignores a malformed decision and waits on with the same deadline', () => {
    const d = awaiting().feed(ev.decision(1, { decision: 'maybe' }));
    expect(d.status.timeline.at(-1)).toMatchObject({ event: 'decision_ignored' });
    expect(d.command).toEqual({ kind: 'awaitDecision', deadline: at(72.1) });
  });

  it('records a stale and a duplicate decision and waits on with the same deadline', () => {
    const d = awaiting().feed(
      ev.decision(1, decision(1, 'reject')),
      ev.evidence(2),
      ev.investigated(3, assessment(2, 0.8)),
      ev.notified(3),
    );
    const deadline = d.status.deadline;
    d.feed(
      ev.decision(4, decision(1, 'approve', { action: 'lock_account', decisionId: 'old' })),
      ev.decision(5, decision(1, 'reject')),
    );
    expect(d.status.decisions.map((x) => x.disposition)).toEqual(['accepted', 'stale', 'duplicate']);
    expect(d.status.timeline.slice(-2).map((t) => t.event)).toEqual(['decision_stale', 'decision_duplicate']);
    expect(d.command).toEqual({ kind: 'awaitDecision', deadline });
    expect(d.status).toMatchObject({ stage: 'awaiting_decision', round: 2 });
  });
});

describe('a rejection', () => {
  it('feeds the feedback into the next round and the session', () => {
    const d = awaiting().feed(ev.decision(1, decision(1, 'reject', { feedback: 'check the shipping' })));
    expect(d.effects.at(-1)).toEqual({
      kind: 'addFeedback',
      input: { round: 1, feedback: 'check the shipping', analyst: 'alice', at: at(1) },
    });
    expect(d.status).toMatchObject({ stage: 'investigating', round: 2, deadline: undefined });
    d.feed(ev.evidence(1.1));
    expect(d.command).toMatchObject({ kind: 'investigate', round: 2, feedback: ['check the shipping'] });
  });

  it('auto-clears when the re-investigation falls below the threshold', () => {
    const d = awaiting().feed(
      ev.decision(1, decision(1, 'reject')),
      ev.evidence(2),
      ev.investigated(3, assessment(2, 0.3)),
      ev.evidence(3.1),
      ev.released(3.2),
    );
    expect(d.status).toMatchObject({ stage: 'closed', outcome: 'auto_cleared', round: 2 });
  });

  it('escalates after the last allowed round is rejected, acting on nothing', () => {
    const d = awaiting();
    for (const round of [1, 2])
      d.feed(
        ev.decision(round, decision(round, 'reject')),
        ev.evidence(round),
        ev.investigated(round, assessment(round + 1, 0.8)),
        ev.notified(round),
      );
    d.feed(ev.decision(9, decision(3, 'reject')));
    expect(d.command).toEqual({ kind: 'readEvidence', final: 'always' });
    d.feed(ev.lastRead(9.05), ev.released(9.1));
    expect(d.status).toMatchObject({ stage: 'closed', outcome: 'escalated_max_rounds', round: 3 });
    expect(d.status.timeline.at(-1)?.detail).toBe('3 rounds rejected');
    expect(d.commands.some((c) => c.kind === 'applyLedger')).toBe(false);
  });
});

describe('an approval', () => {
  it('reads the inbox, applies the action in the ledger under its idempotency key, delivers it, then closes', () => {
    const d = awaiting().feed(ev.decision(1, decision(1, 'approve', { action: 'both' })));
    expect(d.status).toMatchObject({ stage: 'executing', deadline: undefined });
    expect(d.command).toEqual({ kind: 'readEvidence', final: 'always' });
    d.feed(ev.lastRead(1.1, [alert('B', 250)]));
    const command = d.command;
    expect(command).toMatchObject({ kind: 'applyLedger' });
    if (command.kind !== 'applyLedger') throw new Error('unreachable');
    expect(command.requests).toEqual([
      expect.objectContaining({
        idempotencyKey: 'case-A:r1:both:lock_account',
        action: 'lock_account',
        round: 1,
      }),
      // The refund covers the flagged transactions, including evidence read before acting.
      expect.objectContaining({ idempotencyKey: 'case-A:r1:both:refund_charges', amount: 1250 }),
    ]);
    d.feed(ev.ledgerApplied(1.2, applied(command.requests)));
    expect(d.command).toMatchObject({
      kind: 'deliverAction',
      input: { round: 1, action: 'both', idempotencyKey: 'case-A:r1:both', analyst: 'alice' },
    });
    d.feed(ev.delivered(1.3), ev.released(1.4));
    expect(d.status).toMatchObject({
      stage: 'closed',
      outcome: 'action_executed',
      action: { action: 'both', idempotencyKey: 'case-A:r1:both', applied: true, at: at(1.2) },
    });
    expect(d.command).toMatchObject({ kind: 'notify', notice: 'sendNotification' });
  });

  it('closes a clear without touching the ledger', () => {
    const d = awaiting().feed(ev.decision(1, decision(1, 'approve', { action: 'clear' })));
    expect(d.command).toEqual({ kind: 'readEvidence', final: 'ifEmpty' });
    d.feed(ev.lastRead(1.05));
    expect(d.command).toEqual({ kind: 'release' });
    d.feed(ev.released(1.1));
    expect(d.status).toMatchObject({ outcome: 'cleared_by_analyst' });
    expect(d.status.timeline.at(-1)?.detail).toBe('alice cleared the alert');
  });

  it('escalates when the ledger cannot apply the action', () => {
    const d = awaiting().feed(
      ev.decision(1, decision(1, 'approve', { action: 'lock_account' })),
      ev.evidence(1.1),
      ev.ledgerFailed(1.2, 'boom'),
      ev.released(1.3),
    );
    expect(d.status).toMatchObject({ outcome: 'escalated_failure' });
    expect(d.status.timeline.at(-1)?.detail).toBe('action lock_account failed: boom');
    expect(d.status.action).toBeUndefined();
  });

  it('says the action is in the ledger when only its delivery failed', () => {
    const d = awaiting().feed(
      ev.decision(1, decision(1, 'approve', { action: 'lock_account' })),
      ev.evidence(1.1),
    );
    const command = d.command;
    if (command.kind !== 'applyLedger') throw new Error('expected applyLedger');
    d.feed(
      ev.ledgerApplied(1.2, applied(command.requests)),
      ev.delivered(1.3, 'webhook down'),
      ev.released(1.4),
    );
    expect(d.status).toMatchObject({
      outcome: 'escalated_failure',
      action: { action: 'lock_account', applied: true },
    });
    expect(d.status.timeline.at(-1)?.detail).toBe(
      'lock_account applied in the ledger, but its delivery failed: webhook down',
    );
  });
});

describe('releasing the routing before the outcome is final', () => {
  const next = { caseId: 'case-B', alert: alert('B'), alerts: [alert('C')] };

  it.each([
    ['an analyst clear', 3, decision(1, 'approve', { action: 'clear' })],
    ['a rejection past the last round', 1, decision(1, 'reject')],
    ['a timeout', 3, undefined],
  ] as const)(
    'hands alerts that arrived after its last read to the next case after %s, and says so in its timeline',
    (_, maxRounds, answer) => {
      const d = awaiting(caseInput({ maxRounds })).feed(
        answer ? ev.decision(1, answer) : ev.deadlinePassed(72.1),
        ev.lastRead(79),
      );
      expect(d.command).toEqual({ kind: 'release' });
      d.feed(ev.released(80, next));
      expect(d.command).toEqual({ kind: 'handOver', next });
      expect(d.status.stage).not.toBe('closed');
      d.feed(ev.handedOver(80.1));
      expect(d.status.stage).toBe('closed');
      expect(d.status.timeline.slice(-2)[0]).toMatchObject({
        event: 'handed_over',
        detail: expect.stringContaining('2 alert(s)') && expect.stringContaining('case-B'),
      });
    },
  );

  it.each([
    ['a timeout', undefined, 'escalated_timeout'],
    ['a rejection past the last round', decision(1, 'reject'), 'escalated_max_rounds'],
  ] as const)('reads what waited before escalating after %s, and takes it along', (_, answer, outcome) => {
    const d = awaiting(caseInput({ maxRounds: 1 })).feed(
      answer ? ev.decision(1, answer) : ev.deadlinePassed(72.1),
      ev.lastRead(72.15, [alert('B')]),
      ev.released(72.2),
    );
    expect(d.status).toMatchObject({ stage: 'closed', outcome, evidenceCount: 1 });
    expect(d.effects.filter((e) => e.kind === 'addEvidence').at(-1)).toMatchObject({
      input: { alerts: [alert('B')] },
    });
  });

  it('looks again instead of closing when the analyst clears while new alerts wait', () => {
    const d = awaiting().feed(
      ev.decision(1, decision(1, 'approve', { action: 'clear' })),
      ev.notLastRead(1.1, [alert('B')]),
    );
    expect(d.status).toMatchObject({ stage: 'investigating', round: 2, evidenceCount: 1 });
    expect(d.status.deadline).toBeUndefined();
    expect(d.status.timeline.at(-1)).toMatchObject({ event: 'reinvestigating' });
    d.feed(ev.evidence(1.2));
    expect(d.command).toMatchObject({ kind: 'investigate', round: 2, newEvidence: [alert('B')] });
  });

  it('asks the analyst again when new alerts wait at the clear of the last round', () => {
    const d = awaiting(caseInput({ maxRounds: 1 })).feed(
      ev.decision(1, decision(1, 'approve', { action: 'clear' })),
      ev.notLastRead(1.1, [alert('B')]),
    );
    expect(d.status).toMatchObject({ stage: 'awaiting_decision', round: 1, deadline: at(73.1) });
    expect(d.command.kind).toBe('notifyAnalyst');
  });

  it('reads again when a clear found only alerts it had read, and closes on the read marked last', () => {
    const d = new Driver().feed(ev.evidence(0.1, [alert('B')]), ev.investigated(0.2, assessment(1, 0.2)));
    d.feed(ev.notLastRead(0.3, [alert('B')]));
    expect(d.command).toEqual({ kind: 'readEvidence', final: 'ifEmpty' });
    d.feed(ev.lastRead(0.4));
    expect(d.command).toEqual({ kind: 'release' });
    expect(d.status.round).toBe(1);
  });

  it('does not read again after acting: a failed action escalates straight to the release', () => {
    const d = awaiting().feed(
      ev.decision(1, decision(1, 'approve', { action: 'lock_account' })),
      ev.lastRead(1.1),
      ev.ledgerFailed(1.2, 'boom'),
    );
    expect(d.command).toEqual({ kind: 'release' });
  });

  it('closes anyway when starting the next case failed, and says who will start it', () => {
    const d = awaiting().feed(
      ev.deadlinePassed(72.1),
      ev.lastRead(72.15),
      ev.released(72.2, next),
      ev.handedOver(72.3, 'start failed'),
    );
    expect(d.status).toMatchObject({ stage: 'closed', outcome: 'escalated_timeout' });
    expect(d.status.timeline.slice(-2)[0]).toMatchObject({ event: 'handover_failed' });
  });

  it('records failed notifications and completes after the last one', () => {
    const d = awaiting().feed(
      ev.deadlinePassed(72.1),
      ev.lastRead(72.15),
      ev.released(72.2),
      ev.notified(72.3, 'down'),
      ev.notified(72.4, 'down'),
    );
    expect(d.status.timeline.slice(-2).map((t) => [t.event, t.detail])).toEqual([
      ['notification_failed', 'escalate: down'],
      ['notification_failed', 'sendNotification: down'],
    ]);
    expect(d.command).toEqual({ kind: 'complete', output: d.status });
  });
});

describe('the reducer itself', () => {
  it('refuses an event its phase does not wait for (a bug in the orchestrator, not a user error)', () => {
    const d = new Driver();
    expect(() => step(d.state, ev.deadlinePassed(1))).toThrow(UnexpectedEvent);
    expect(() => step(d.state, ev.deadlinePassed(1))).toThrow(/'deadlinePassed' while reading/);
    const done = awaiting().feed(ev.deadlinePassed(72.1), ev.lastRead(72.15), ev.released(72.2)).finish(73);
    expect(() => step(done.state, ev.notified(74))).toThrow(UnexpectedEvent);
  });

  it('is pure: the same events give the same states, and earlier states are left as they were', () => {
    const events = [
      ev.evidence(0.1, [alert('B')]),
      ev.investigated(0.2, assessment(1, 0.8)),
      ev.notified(0.3),
    ];
    const a = new Driver().feed(...events);
    const b = new Driver().feed(...events);
    expect(a.state).toEqual(b.state);
    const before = JSON.stringify(a.state);
    step(a.state, ev.decision(1, decision(1, 'approve', { action: 'clear' })));
    expect(JSON.stringify(a.state)).toBe(before);
  });
});
