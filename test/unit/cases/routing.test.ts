import { describe, expect, it } from 'vitest';
import {
  inboxOf,
  MAX_INBOX,
  openManual,
  release,
  reroute,
  routeAlerts,
  takeInbox,
  type RoutingState,
} from '../../../src/cases/routing';
import { caseIdFor } from '../../../src/cases/types';
import type { Alert } from '../../../src/detection/schema';
import { targetOf } from '../../../src/orchestrations/deliver';
import { Rng } from '../../../src/shared/prng';
import { alert } from './builders';

const empty = (): RoutingState => ({ openCaseId: null, openCaseAlert: null });
const manual = (id: string) => ({ alert: { ...alert(id), rule: 'manual' as const }, analyst: 'ana' });
const ids = (alerts: readonly Alert[]) => alerts.map((a) => a.alertId);

describe('routing detected alerts', () => {
  it('opens a case for the first alert (its id follows from the alert) and puts the rest in its inbox', () => {
    const { state, result } = routeAlerts(empty(), [alert('A'), alert('B')]);
    expect(result.startCase).toEqual({ caseId: 'case-A', alert: alert('A') });
    expect(result.attach).toMatchObject({ caseId: 'case-A', alerts: [alert('B')], opener: alert('A') });
    expect(state).toMatchObject({ openCaseId: 'case-A', openCaseAlert: alert('A') });
    expect(ids(state.inbox ?? [])).toEqual(['B']);
  });

  it('adds later alerts to the open case once each, never its opening alert', () => {
    let s = routeAlerts(empty(), [alert('A')]).state;
    const joined = routeAlerts(s, [alert('B'), alert('A')]);
    expect(joined.result.attach).toMatchObject({ caseId: 'case-A', opener: alert('A') });
    s = routeAlerts(joined.state, [alert('B'), alert('C')]).state;
    expect(ids(s.inbox ?? [])).toEqual(['B', 'C']);
  });

  it('changes nothing for a batch that raised no alert', () => {
    const s = routeAlerts(empty(), [alert('A')]).state;
    expect(routeAlerts(s, [])).toEqual({ state: s, result: { alerts: [], openCaseId: 'case-A' } });
  });

  it('keeps the newest alerts of a flood, with a bounded sample of events, and counts the rest', () => {
    const big = { ...alert('X'), events: Array.from({ length: 30 }, () => alert('X').events[0]!) };
    let s = routeAlerts(empty(), [alert('A')]).state;
    s = routeAlerts(s, [big, ...Array.from({ length: MAX_INBOX + 4 }, (_, i) => alert(`F${i}`))]).state;
    expect(s.inbox).toHaveLength(MAX_INBOX);
    expect(s.inboxDropped).toBe(5);
    expect(s.inbox![0]!.alertId).toBe('F4');
    const kept = routeAlerts(routeAlerts(empty(), [alert('A')]).state, [big]).state.inbox![0]!;
    expect(kept.events).toHaveLength(10);
  });
});

describe('the case reading its inbox', () => {
  it('takes everything waiting, once; another case takes nothing', () => {
    const s = routeAlerts(empty(), [alert('A'), alert('B'), alert('C')]).state;
    expect(takeInbox(s, 'case-other').result).toEqual({ alerts: [], dropped: 0 });
    const taken = takeInbox(s, 'case-A');
    expect(ids(taken.result.alerts)).toEqual(['B', 'C']);
    expect(takeInbox(taken.state, 'case-A').result.alerts).toEqual([]);
  });
});

describe('releasing a case before its outcome is final', () => {
  it('stops routing to it when it has read everything', () => {
    const s = takeInbox(routeAlerts(empty(), [alert('A'), alert('B')]).state, 'case-A').state;
    const { state, result } = release(s, 'case-A');
    expect(result).toEqual({});
    expect(state).toMatchObject({ openCaseId: null, openCaseAlert: null, inbox: [] });
    expect(routeAlerts(state, [alert('D')]).result.startCase?.caseId).toBe('case-D');
  });

  it('hands what it has not read to the next case in the same operation', () => {
    const s = routeAlerts(routeAlerts(empty(), [alert('A')]).state, [alert('B'), alert('C')]).state;
    const { state, result } = release(s, 'case-A');
    expect(result.next).toEqual({ caseId: 'case-B', alert: alert('B'), alerts: [alert('C')] });
    expect(state).toMatchObject({ openCaseId: 'case-B', openCaseAlert: alert('B') });
    expect(ids(state.inbox ?? [])).toEqual(['C']);
    // An alert arriving next joins the new case.
    expect(routeAlerts(state, [alert('D')]).result.attach?.caseId).toBe('case-B');
  });

  it('changes nothing for a case the profile does not route to', () => {
    const s = routeAlerts(empty(), [alert('A'), alert('B')]).state;
    expect(release(s, 'case-manual-x')).toEqual({ state: s, result: {} });
  });
});

describe('the last read of a case', () => {
  const open = () => routeAlerts(empty(), [alert('A'), alert('B')]).state;

  it('marks the case closing: later alerts wait for the next case, which the routing decision names', () => {
    const last = takeInbox(open(), 'case-A', 'always');
    expect(last.result).toMatchObject({ final: true });
    expect(ids(last.result.alerts)).toEqual(['B']);
    const late = routeAlerts(last.state, [alert('C'), alert('D')]);
    expect(late.result.attach).toMatchObject({ caseId: 'case-A', nextCaseId: 'case-C' });
    expect(late.result.attach?.opener).toBeUndefined();
    expect(routeAlerts(late.state, [alert('E')]).result.attach?.nextCaseId).toBe('case-C');
    // Nothing more for the closing case: what waits is the next case's.
    expect(takeInbox(late.state, 'case-A', 'always').result).toEqual({ alerts: [], dropped: 0, final: true });
    expect(inboxOf(late.state, 'case-A')).toEqual([]);
    const released = release(late.state, 'case-A');
    expect(released.result.next).toEqual({ caseId: 'case-C', alert: alert('C'), alerts: [alert('D')] });
    expect(released.state).toMatchObject({ openCaseId: 'case-C', openCaseClosing: false });
  });

  it('is last only when nothing waited, for a case that may clear', () => {
    const waiting = takeInbox(open(), 'case-A', 'ifEmpty');
    expect(waiting.result).toMatchObject({ final: false, alerts: [alert('B')] });
    expect(waiting.state.openCaseClosing).toBeFalsy();
    expect(routeAlerts(waiting.state, [alert('C')]).result.attach?.nextCaseId).toBeUndefined();
    const last = takeInbox(waiting.state, 'case-A', 'ifEmpty');
    expect(last.result).toEqual({ alerts: [], dropped: 0, final: true });
    expect(last.state.openCaseClosing).toBe(true);
  });

  it('opens the named next case, as promised, when the closing case ended without releasing', () => {
    const closing = takeInbox(open(), 'case-A', 'always').state;
    const late = routeAlerts(closing, [alert('C')]).state;
    const rerouted = reroute(late, 'case-A', manual('M1'));
    expect(rerouted.result.startCase?.caseId).toBe('case-C');
    expect(rerouted.result.refused).toEqual({ openCaseId: 'case-C' });
    expect(rerouted.state.openCaseId).toBe('case-C');
  });
});

describe('manual opens', () => {
  it('opens the case when none is open, marked as manual with its analyst', () => {
    const { state, result } = openManual(empty(), manual('M1'));
    expect(result.startCase).toEqual({
      caseId: 'case-M1',
      alert: manual('M1').alert,
      manual: { analyst: 'ana' },
    });
    expect(state.openCaseId).toBe('case-M1');
  });

  it('is refused naming the open case, whoever opened it, and changes nothing', () => {
    const detected = routeAlerts(empty(), [alert('A')]).state;
    expect(openManual(detected, manual('M1'))).toEqual({
      state: detected,
      result: { alerts: [manual('M1').alert], refused: { openCaseId: 'case-A' }, openCaseId: 'case-A' },
    });
    const first = openManual(empty(), manual('M1')).state;
    expect(openManual(first, manual('M2')).result.refused).toEqual({ openCaseId: 'case-M1' });
  });

  it('answers a retry of the same open with the same case', () => {
    const first = openManual(empty(), manual('M1')).state;
    const again = openManual(first, manual('M1'));
    expect(again.state).toBe(first);
    expect(again.result.startCase?.caseId).toBe('case-M1');
  });

  it('lets detected alerts join a manual case', () => {
    const s = openManual(empty(), manual('M1')).state;
    expect(routeAlerts(s, [alert('B')]).result.attach?.caseId).toBe('case-M1');
  });
});

describe('rerouting a case that ended without releasing', () => {
  it('moves its unread alerts to one new case, however many deliveries ask', () => {
    const s = routeAlerts(routeAlerts(empty(), [alert('A')]).state, [alert('B'), alert('C')]).state;
    const first = reroute(s, 'case-A');
    expect(first.result.startCase?.caseId).toBe('case-B');
    expect(first.result.attach).toMatchObject({ caseId: 'case-B', alerts: [alert('C')] });
    const second = reroute(first.state, 'case-A');
    expect(second).toEqual({ state: first.state, result: { alerts: [], openCaseId: 'case-B' } });
  });

  it('opens the manual case that found it, and gives that case the unread alerts', () => {
    const s = routeAlerts(routeAlerts(empty(), [alert('A')]).state, [alert('B')]).state;
    const { state, result } = reroute(s, 'case-A', manual('M1'));
    expect(result.startCase).toMatchObject({ caseId: 'case-M1', manual: { analyst: 'ana' } });
    expect(result.attach).toMatchObject({ caseId: 'case-M1', alerts: [alert('B')] });
    expect(state.openCaseId).toBe('case-M1');
  });

  it('does not open a manual case again because a late retry of its own open found it ended', () => {
    const s = openManual(empty(), manual('M1')).state;
    const { state, result } = reroute(s, caseIdFor('M1'), manual('M1'));
    expect(result.startCase).toBeUndefined();
    expect(state.openCaseId).toBeNull();
  });
});

describe('every alert is read by exactly one case (random interleavings of one customer)', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('seed %i', (seed) => {
    const rng = new Rng(seed);
    let state = empty();
    const running = new Set<string>();
    const readBy = new Map<string, string[]>();
    const read = (caseId: string, a: Alert) =>
      readBy.set(a.alertId, [...(readBy.get(a.alertId) ?? []), caseId]);
    const start = (caseId: string, opener: Alert) => {
      running.add(caseId);
      read(caseId, opener);
    };
    const detected: string[] = [];
    const closing = new Set<string>();
    /** The case each routing decision named as the reader of its alerts (what the ingest replies). */
    const named = new Map<string, string>();
    let n = 0;
    for (let i = 0; i < 400; i++) {
      const roll = rng.next();
      if (roll < 0.45) {
        const batch = Array.from({ length: rng.int(1, 3) }, () => alert(`a${n++}`));
        detected.push(...ids(batch));
        const d = routeAlerts(state, batch);
        state = d.state;
        for (const a of batch) named.set(a.alertId, targetOf(d.result)!);
        if (d.result.startCase) start(d.result.startCase.caseId, d.result.startCase.alert);
      } else if (roll < 0.6) {
        const d = openManual(state, manual(`m${n++}`));
        state = d.state;
        if (d.result.startCase) start(d.result.startCase.caseId, d.result.startCase.alert);
      } else if (roll < 0.8 && running.size > 0) {
        const caseId = rng.pick([...running]);
        if (closing.has(caseId)) continue;
        const final = rng.pick([undefined, undefined, 'always', 'ifEmpty'] as const);
        const d = takeInbox(state, caseId, final);
        state = d.state;
        for (const a of d.result.alerts) read(caseId, a);
        if (d.result.final) closing.add(caseId);
      } else if (closing.size > 0) {
        // A case releases only after its last read (src/cases/reducer.ts).
        const caseId = rng.pick([...closing]);
        closing.delete(caseId);
        const d = release(state, caseId);
        state = d.state;
        running.delete(caseId);
        if (d.result.next) start(d.result.next.caseId, d.result.next.alert);
      }
      expect(running.size, 'one open case at most').toBeLessThanOrEqual(1);
    }
    // The open cases read what is left and close; the cases they hand over to do the same.
    while (running.size > 0) {
      const [caseId] = running;
      running.delete(caseId!);
      const d = takeInbox(state, caseId!, 'always');
      for (const a of d.result.alerts) read(caseId!, a);
      const released = release(d.state, caseId!);
      state = released.state;
      if (released.result.next) start(released.result.next.caseId, released.result.next.alert);
    }
    expect(detected.length).toBeGreaterThan(100);
    for (const id of detected) expect(readBy.get(id), id).toHaveLength(1);
    for (const id of detected) expect(readBy.get(id)?.[0], `the reply for ${id}`).toBe(named.get(id));
    for (const [id, cases] of readBy) expect(cases, id).toHaveLength(1);
    expect(state).toMatchObject({ openCaseId: null, inbox: [] });
  });
});
