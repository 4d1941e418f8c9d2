import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/detection/schema';
import {
  addEvidence,
  addFeedback,
  CaseSession,
  LIMITS,
  MAX_SESSION_BYTES,
  migrateSession,
  openSession,
  recordRound,
  sessionBytes,
  summarizeForPrompt,
  type SessionEntry,
} from '../../../src/investigation/session';
import type { Assessment } from '../../../src/investigation/types';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(join(__dirname, '../../fixtures/session', name), 'utf8')) as unknown;

function alert(id: string, events = 1): Alert {
  return {
    alertId: id,
    customerId: 'C007',
    rule: 'new_country_login',
    severity: 'high',
    description: 'Login from a new country',
    detectedAt: '2026-03-30T09:14:00Z',
    events: Array.from({ length: events }, (_, i) => ({
      type: 'login' as const,
      customerId: 'C007',
      timestamp: `2026-03-30T09:${String(i % 60).padStart(2, '0')}:00Z`,
      country: 'RU',
      ip: '198.51.100.77',
      success: true,
    })),
  };
}

function entries(round: number, author: string, size = 100): SessionEntry[] {
  const correlationId = `case-1:r${round}:${author}`;
  return [
    {
      kind: 'request',
      correlationId,
      createdAt: 't',
      round,
      author,
      messages: [{ role: 'user', content: 'x'.repeat(size) }],
    },
    {
      kind: 'response',
      correlationId,
      createdAt: 't',
      round,
      author,
      messages: [{ role: 'assistant', content: 'y'.repeat(size) }],
      toolCalls: Array.from({ length: 15 }, () => ({
        name: 'get_security_logs',
        args: { customerId: 'C007', note: 'z'.repeat(size) },
        ok: true,
        resultSummary: 'r'.repeat(size),
        durationMs: 3,
      })),
      usage: { inputTokens: 100, outputTokens: 10, totalTokens: 110, usd: 0.001 },
    },
  ];
}

function assessment(round: number): Assessment {
  return {
    round,
    riskScore: 0.68,
    level: 'high',
    recommendedAction: 'lock_account',
    reasoning: 'because',
    degraded: false,
    findings: [
      {
        specialist: 'location',
        riskScore: 0.9,
        summary: 'RU login 39 min after US login',
        evidence: [],
        toolCalls: [],
        usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0, usd: 0 },
        model: 'scripted',
        degraded: false,
      },
    ],
    usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0, usd: 0 },
  };
}

describe('case session', () => {
  it('records a round once even when the activity is retried', () => {
    let s = openSession({ caseId: 'case-1', alert: alert('a1'), openedAt: '2026-03-30T09:15:00Z' });
    s = recordRound(s, { round: 1, entries: entries(1, 'location'), assessment: assessment(1) });
    const again = recordRound(s, { round: 1, entries: entries(1, 'location'), assessment: assessment(1) });
    expect(again.entries.map((e) => `${e.kind} ${e.author}`)).toEqual([
      'request location',
      'response location',
      'response aggregator',
    ]);
    expect(again.rounds).toHaveLength(1);
    expect(CaseSession.parse(again)).toEqual(again);
  });

  it('counts the whole cost of a round: specialists from their entries, the reasoning from the assessment', () => {
    const withReasoningCost: Assessment = {
      ...assessment(1),
      // the location finding cost 110 tokens; the reasoning 60 more
      findings: [
        {
          ...assessment(1).findings[0]!,
          usage: { inputTokens: 100, outputTokens: 10, totalTokens: 110, usd: 0.001 },
        },
      ],
      usage: { inputTokens: 150, outputTokens: 20, totalTokens: 170, usd: 0.0012 },
    };
    const s = recordRound(openSession({ caseId: 'case-1', alert: alert('a1'), openedAt: 't0' }), {
      round: 1,
      entries: entries(1, 'location'),
      assessment: withReasoningCost,
      at: '2026-03-30T09:16:00Z',
    });
    expect(s.usage).toEqual({ inputTokens: 150, outputTokens: 20, totalTokens: 170, usd: 0.0012 });
    expect(s.entries.at(-1)).toMatchObject({
      author: 'aggregator',
      createdAt: '2026-03-30T09:16:00Z',
      correlationId: 'case-1:r1:aggregator',
      messages: [{ role: 'assistant', content: 'risk 0.68 (high), recommended lock_account. because' }],
    });
  });

  it('gives a re-investigation the feedback, earlier rounds and new evidence', () => {
    let s = openSession({ caseId: 'case-1', alert: alert('a1'), openedAt: 't0' });
    s = recordRound(s, { round: 1, entries: entries(1, 'location'), assessment: assessment(1) });
    s = addFeedback(s, { round: 1, text: 'check the billing history', analyst: 'ana', at: 't1' });
    s = addFeedback(s, { round: 1, text: 'check the billing history', analyst: 'ana', at: 't1' });
    s = addEvidence(s, { alert: alert('a2'), at: 't2' });
    s = addEvidence(s, { alert: alert('a2'), at: 't2' });
    s = addEvidence(s, { alert: alert('a1'), at: 't2' }); // the opening alert is not new evidence

    const ctx = summarizeForPrompt(s);
    expect(ctx.feedback).toEqual(['round 1 (ana): check the billing history']);
    expect(ctx.priorRounds).toHaveLength(1);
    expect(ctx.priorRounds[0]).toMatch(
      /^round 1: risk 0\.68 \(high\), recommended lock_account\. location 0\.90/,
    );
    expect(ctx.newEvidence.map((a) => a.alertId)).toEqual(['a2']);
  });

  it('labels new evidence with the round that was running when it arrived', () => {
    let s = openSession({ caseId: 'case-1', alert: alert('a1'), openedAt: 't0' });
    s = addEvidence(s, { alert: alert('during-r1'), at: 't1' });
    s = recordRound(s, { round: 1, entries: [], assessment: assessment(1) });
    s = addEvidence(s, { alert: alert('r1-awaiting'), at: 't2' });
    s = addFeedback(s, { round: 1, text: 'look again', at: 't3' });
    s = addEvidence(s, { alert: alert('during-r2'), at: 't4' });
    s = recordRound(s, { round: 2, entries: [], assessment: assessment(2) });
    s = addEvidence(s, { alert: alert('r2-awaiting'), at: 't5' });
    expect(s.evidence.map((e) => [e.alert.alertId, e.round])).toEqual([
      ['during-r1', 1],
      ['r1-awaiting', 1],
      ['during-r2', 2],
      ['r2-awaiting', 2],
    ]);
  });

  it('keeps the prompt context within its token budget, newest rounds and feedback first', () => {
    let s = openSession({ caseId: 'case-1', alert: alert('a1'), openedAt: 't0' });
    for (let r = 1; r <= 20; r++) {
      s = recordRound(s, { round: r, entries: [], assessment: assessment(r) });
      s = addFeedback(s, { round: r, text: `feedback ${r} ${'f'.repeat(400)}`, at: 't' });
    }
    const ctx = summarizeForPrompt(s, { tokenBudget: 500 });
    const chars = [
      ...ctx.feedback,
      ...ctx.priorRounds,
      ...ctx.newEvidence.map((a) => JSON.stringify(a)),
    ].join('').length;
    expect(chars / 4).toBeLessThanOrEqual(500);
    expect(ctx.feedback.at(-1)).toMatch(/^round 20:/);
  });

  it('stays under the entity size budget however long the case runs', () => {
    let s = openSession({ caseId: 'case-1', alert: alert('a1', 50), openedAt: 't0' });
    for (let r = 1; r <= 40; r++) {
      for (const who of ['usage', 'location', 'billing', 'aggregator'])
        s = recordRound(s, { round: r, entries: entries(r, who, 5_000) });
      s = recordRound(s, {
        round: r,
        entries: [],
        assessment: { ...assessment(r), reasoning: 'w'.repeat(9_000) },
      });
      s = addFeedback(s, { round: r, text: 'q'.repeat(10_000), at: 't' });
      s = addEvidence(s, { alert: alert(`ev-${r}`, 50), at: 't' });
    }
    expect(sessionBytes(s)).toBeLessThan(MAX_SESSION_BYTES);
    expect(sessionBytes(s)).toBeLessThan(1_000_000);
    expect(s.entries.length).toBeLessThanOrEqual(LIMITS.entries);
    expect(s.droppedEntries).toBeGreaterThan(0);
    expect(s.entries.at(-1)?.round).toBe(40); // the newest survive
    expect(s.evidence.every((e) => e.alert.events.length <= LIMITS.eventsPerEvidence)).toBe(true);
    expect(s.usage.totalTokens).toBe(40 * 4 * 110); // dropping entries never loses the cost
  });
});

describe('migrateSession', () => {
  it('loads the version-2 fixture as it is: rounds, feedback and evidence kept, the new fields absent', () => {
    const raw = fixture('case-session-v2.json') as { rounds: unknown[]; feedback: unknown[] };
    const s = migrateSession(raw);
    expect(s.schemaVersion).toBe(3);
    expect(s.rounds).toEqual(raw.rounds);
    expect(s.feedback).toEqual(raw.feedback);
    expect(s.evidence).toHaveLength(1);
    expect(s.rounds[0]!.changes).toBeUndefined();
  });

  it('upgrades the version-1 fixture (DurableAgentState-shaped history) to the current version', () => {
    const s = migrateSession(fixture('case-session-v1.json'));
    expect(s.schemaVersion).toBe(3);
    expect(s.caseId).toBe('case-alert-0007');
    expect(s.customerId).toBe('C007');
    expect(s.entries).toHaveLength(4);
    expect(s.entries[1]).toMatchObject({
      kind: 'response',
      correlationId: 'case-alert-0007:r1:location',
      round: 1,
      author: 'location',
      messages: [{ role: 'assistant', content: expect.stringContaining('RISK_SCORE: 0.9') }],
      usage: { inputTokens: 1840, outputTokens: 96, totalTokens: 1936, usd: 0 },
    });
    expect(s.entries[3]?.usage?.totalTokens).toBe(1560); // v1 total missing → input + output
    expect(s.feedback).toEqual([
      {
        round: 1,
        text: 'Check whether the RU login came from a known device before locking.',
        at: '2026-03-30T09:15:00Z',
      },
    ]);
    expect(s.usage.totalTokens).toBe(1936 + 1560);
  });

  it('lets a migrated session feed a re-investigation from its old answers', () => {
    const ctx = summarizeForPrompt(migrateSession(fixture('case-session-v1.json')));
    expect(ctx.priorRounds).toHaveLength(1);
    expect(ctx.priorRounds[0]).toMatch(/^round 1: location: FINDINGS: successful RU login/);
    expect(ctx.feedback[0]).toContain('known device');
  });

  it('reads version 2 as is and refuses unknown versions with what was wrong', () => {
    const v2 = migrateSession(fixture('case-session-v1.json'));
    expect(migrateSession(JSON.parse(JSON.stringify(v2)))).toEqual(v2);
    expect(() => migrateSession({ schemaVersion: 7 })).toThrow(/unknown schemaVersion 7/);
    expect(() => migrateSession(null)).toThrow(/unknown schemaVersion/);
  });
});
