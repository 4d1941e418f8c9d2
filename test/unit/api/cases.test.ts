import { describe, expect, it } from 'vitest';
import { caseDetail, caseSummary, listCases, parseCaseListQuery } from '../../../src/api/cases';
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

  it('lists only case instances, filtered, newest first, limited', () => {
    const a = running(caseStatus({ caseId: 'case-a', openedAt: '2026-11-22T09:00:00.000Z' }));
    const b = completed(
      caseStatus({
        caseId: 'case-b',
        customerId: 'C2',
        stage: 'closed',
        outcome: 'auto_cleared',
        openedAt: '2026-11-22T11:00:00.000Z',
      }),
    );
    const c = running(
      caseStatus({ caseId: 'case-c', stage: 'investigating', openedAt: '2026-11-22T10:00:00.000Z' }),
    );
    const ingest = { ...running(null), name: 'ingestTelemetry', instanceId: 'ingest-C1-x' };
    const all = [a, b, c, ingest];
    const ids = (q: Record<string, string>) =>
      listCases(all, parseCaseListQuery(new URLSearchParams(q))).map((x) => x.caseId);
    expect(ids({})).toEqual(['case-b', 'case-c', 'case-a']);
    expect(ids({ status: 'open' })).toEqual(['case-c', 'case-a']);
    expect(ids({ status: 'closed' })).toEqual(['case-b']);
    expect(ids({ status: 'awaiting_decision' })).toEqual(['case-a']);
    expect(ids({ customerId: 'C2' })).toEqual(['case-b']);
    expect(ids({ limit: '1' })).toEqual(['case-b']);
    expect(ids({ code: 'function-key' })).toHaveLength(3);
  });

  it.each([
    [{ status: 'bogus' }, 'status'],
    [{ limit: '0' }, 'limit'],
    [{ limit: '501' }, 'limit'],
    [{ limit: 'ten' }, 'limit'],
    [{ customerId: "C1' OR 1=1 --" }, 'customerId'],
    [{ customerId: '<script>' }, 'customerId'],
    [{ foo: '1' }, 'foo'],
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
