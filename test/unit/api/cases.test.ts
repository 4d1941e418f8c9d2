import { describe, expect, it } from 'vitest';
import { parseCaseListQuery } from '../../../src/api/case-index';
import { caseDetail, caseSummary } from '../../../src/api/cases';
import { ApiError } from '../../../src/api/errors';
import { openSession, recordRound } from '../../../src/investigation/session';
import { caseInput, caseStatus, completed, running, T0 } from './builders';

describe('case views', () => {
  it('summarises a running case from its custom status', () => {
    const s = caseSummary(running(caseStatus()));
    expect(s).toMatchObject({
      caseId: 'case-a1',
      customerId: 'C1',
      stage: 'awaiting_decision',
      round: 1,
      deadline: '2026-11-25T10:00:00.000Z',
      risk: { score: 0.72 },
      runtimeStatus: 'Running',
    });
    expect(s.outcome).toBeUndefined();
  });

  it('summarises a finished case from its output', () => {
    const s = caseSummary(
      completed(caseStatus({ stage: 'closed', outcome: 'action_executed', deadline: undefined })),
    );
    expect(s).toMatchObject({ stage: 'closed', outcome: 'action_executed', runtimeStatus: 'Completed' });
    expect(s.deadline).toBeUndefined();
  });

  it('shows a case that has not published a status yet as investigating, from its input', () => {
    const s = caseSummary(running(null, { runtimeStatus: 'Pending' }));
    expect(s).toMatchObject({
      caseId: 'case-a1',
      customerId: 'C1',
      rule: 'large_transaction',
      stage: 'investigating',
      round: 1,
      openedAt: T0,
    });
  });

  it.each(['Failed', 'Terminated'])(
    'maps a %s instance to closed / escalated_failure with the error',
    (runtimeStatus) => {
      const d = caseDetail(
        running(caseStatus(), { runtimeStatus, output: 'Orchestrator function failed: boom' }),
        undefined,
        undefined,
      );
      expect(d).toMatchObject({
        stage: 'closed',
        outcome: 'escalated_failure',
        error: 'Orchestrator function failed: boom',
      });
      expect(d.deadline).toBeUndefined();
      expect(d.timeline.at(-1)).toMatchObject({ stage: 'closed', event: runtimeStatus.toLowerCase() });
    },
  );

  it('adds the conversation, evidence, feedback and rounds from the session entity', () => {
    const session = recordRound(openSession({ caseId: 'case-a1', alert: caseInput().alert, openedAt: T0 }), {
      round: 1,
      entries: [
        {
          kind: 'response',
          correlationId: 'c1',
          createdAt: T0,
          round: 1,
          author: 'usage',
          messages: [{ role: 'assistant', content: 'looks odd' }],
        },
      ],
      assessment: {
        round: 1,
        riskScore: 0.72,
        level: 'high',
        recommendedAction: 'lock_account',
        reasoning: 'because',
        degraded: false,
        findings: [],
        usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2, usd: 0 },
      },
    });
    const d = caseDetail(running(caseStatus()), session, 'https://dash/x');
    expect(d.conversation).toEqual(session.entries);
    expect(d.conversation).toContainEqual(expect.objectContaining({ author: 'usage', round: 1 }));
    expect(d.assessment).toMatchObject({ round: 1, riskScore: 0.72, reasoning: 'because' });
    expect(d.alert).toMatchObject({ alertId: 'a1' });
    expect(d.dashboardUrl).toBe('https://dash/x');
    expect(d.findings).toEqual(caseStatus().findings);
  });

  it('still answers when the session is missing or of an unknown version', () => {
    for (const state of [undefined, null, { schemaVersion: 99 }, 'garbage']) {
      const d = caseDetail(running(caseStatus()), state, undefined);
      expect(d).toMatchObject({ conversation: [], evidence: [], feedback: [], rounds: [] });
      expect(d.assessment).toMatchObject({ riskScore: 0.72, level: 'high' });
    }
  });

  it.each([
    [{ status: 'bogus' }, 'status'],
    [{ limit: '0' }, 'limit'],
    [{ limit: '501' }, 'limit'],
    [{ limit: 'ten' }, 'limit'],
    [{ customerId: "C1' OR 1=1 --" }, 'customerId'],
    [{ customerId: '<script>' }, 'customerId'],
    [{ foo: '1' }, 'foo'],
    [{ sort: 'name' }, 'sort'],
    [{ riskLevel: 'extreme' }, 'riskLevel'],
    [{ outcome: 'maybe' }, 'outcome'],
    [{ rule: 'Large Transaction' }, 'rule'],
    [{ q: "C1' OR '1'='1" }, 'q'],
    [{ q: '%' }, 'q'],
  ])('rejects the query %j naming %s', (q, field) => {
    try {
      parseCaseListQuery(new URLSearchParams(q as Record<string, string>));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ApiError);
      expect((e as ApiError).status).toBe(400);
      expect((e as ApiError).details).toEqual(
        expect.arrayContaining([expect.objectContaining({ path: field })]),
      );
    }
  });

  it('rejects a repeated query parameter', () => {
    expect(() => parseCaseListQuery(new URLSearchParams('status=open&status=closed'))).toThrow(
      /more than once/,
    );
  });
});
