import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OfflineHost } from '../../scripts/offline-host/index';
import { DecisionAcceptedSchema } from '../../src/api/openapi';
import { waitForCase } from '../support/app';
import { call, COMPROMISED_ALL, expectJsonError, snapshot, startApi } from './support';

let host: OfflineHost;
beforeAll(async () => {
  host = await startApi();
});
afterAll(() => host?.stop());

const [APPROVE_CUSTOMER, REJECT_CUSTOMER] = COMPROMISED_ALL as [string, string];
const principal = (name: string) =>
  Buffer.from(
    JSON.stringify({ auth_typ: 'aad', name_typ: 'name', claims: [{ typ: 'name', val: name }] }),
  ).toString('base64');

async function openAwaiting(customerId: string): Promise<string> {
  const r = await call(host, 'POST', '/api/cases', {
    body: { customerId, description: `suspicious activity on ${customerId}` },
  });
  expect(r.status, r.text).toBe(202);
  await waitForCase(host, r.json.caseId, 'awaiting_decision');
  return r.json.caseId as string;
}

const decide = (caseId: string, body: unknown, headers: Record<string, string> = {}) =>
  call(host, 'POST', `/api/cases/${encodeURIComponent(caseId)}/decision`, { body, headers });

describe('POST /api/cases/{caseId}/decision', () => {
  it('rejects bad decisions with the right status before touching the case', async () => {
    const caseId = await openAwaiting(APPROVE_CUSTOMER);
    const before = await snapshot(host, [], true);
    const unknown = await decide(caseId, {
      decision: 'approve',
      action: 'lock_account',
      round: 1,
      approvedBy: 'me',
      force: true,
    });
    expectJsonError(unknown, 400);
    expect(unknown.json.details).toEqual(
      expect.arrayContaining([
        { path: 'approvedBy', message: 'unknown field' },
        { path: 'force', message: 'unknown field' },
      ]),
    );
    expectJsonError(await decide(caseId, { decision: 'approve', round: 1 }), 400);
    expectJsonError(await decide(caseId, { decision: 'reject', round: 1 }), 400);
    expectJsonError(await decide(caseId, { decision: 'approve', action: 'wipe_everything', round: 1 }), 400);
    expectJsonError(
      await call(host, 'POST', `/api/cases/${caseId}/decision`, {
        raw: '{"decision":"approve"',
        headers: { 'content-type': 'application/json' },
      }),
      400,
    );
    expectJsonError(
      await call(host, 'POST', `/api/cases/${caseId}/decision`, {
        raw: 'decision=approve',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
      415,
    );
    expectJsonError(
      await decide(caseId, { decision: 'reject', round: 1, feedback: 'x'.repeat(20_000) }),
      413,
    );
    expectJsonError(await decide(caseId, { decision: 'approve', action: 'lock_account', round: 2 }), 409);
    expectJsonError(
      await decide('case-unknown', { decision: 'approve', action: 'lock_account', round: 1 }),
      404,
    );
    expect(await snapshot(host, [], true)).toBe(before);
    const wrongRound = await decide(caseId, { decision: 'approve', action: 'lock_account', round: 2 });
    expect(wrongRound.json).toEqual({
      error: 'decision is for round 2 but the case is at round 1',
      details: { stage: 'awaiting_decision', round: 1 },
    });
  });

  it('delivers an approval with the Easy Auth analyst, answers a repeat without a second effect, then 409s', async () => {
    const [c] = (await call(host, 'GET', `/api/cases?customerId=${APPROVE_CUSTOMER}`)).json.cases;
    const caseId = c.caseId as string;
    const body = { decision: 'approve', action: 'lock_account', round: 1, analyst: 'body-name-ignored' };
    const r = await decide(caseId, body, { 'x-ms-client-principal': principal('ana@contoso.com') });
    expect(r.status, r.text).toBe(202);
    DecisionAcceptedSchema.parse(r.json);
    expect(r.json).toMatchObject({
      caseId,
      round: 1,
      accepted: true,
      analyst: 'ana@contoso.com',
      analystSource: 'easy-auth',
      decisionId: expect.stringMatching(/^dec-/),
    });

    const closed = await waitForCase(host, caseId, 'closed');
    expect(closed.outcome).toBe('action_executed');
    expect(closed.decisions).toEqual([
      expect.objectContaining({
        analyst: 'ana@contoso.com',
        decisionId: r.json.decisionId,
        disposition: 'accepted',
      }),
    ]);

    const before = await snapshot(host, [APPROVE_CUSTOMER], true);
    const repeat = await decide(caseId, body, { 'x-ms-client-principal': principal('bob@contoso.com') });
    expect(repeat.status).toBe(200);
    expect(repeat.json).toMatchObject({
      repeat: true,
      accepted: true,
      decisionId: r.json.decisionId,
      analyst: 'ana@contoso.com',
    });
    const other = await decide(caseId, { decision: 'approve', action: 'both', round: 1 });
    expectJsonError(other, 409);
    expect(other.json).toEqual({
      error: 'case is not awaiting a decision',
      details: { stage: 'closed', round: 1 },
    });
    expect(await snapshot(host, [APPROVE_CUSTOMER], true)).toBe(before);
    const detail = await call(host, 'GET', `/api/cases/${caseId}`);
    expect(detail.json.decisions).toHaveLength(1);
  });

  it('takes a rejection with feedback into round 2 and then refuses round 1 decisions', async () => {
    const caseId = await openAwaiting(REJECT_CUSTOMER);
    const r = await decide(caseId, {
      decision: 'reject',
      round: 1,
      feedback: 'Customer confirmed the travel; look again',
      analyst: 'carol',
    });
    expect(r.status, r.text).toBe(202);
    expect(r.json).toMatchObject({ analyst: 'carol', analystSource: 'body' });
    const next = await waitForCase(host, caseId, (s) => s.round === 2 && s.stage !== 'investigating');
    const stale = await decide(caseId, { decision: 'approve', action: 'lock_account', round: 1 });
    if (next.stage === 'awaiting_decision') {
      expectJsonError(stale, 409);
      expect(stale.json.error).toBe('decision is for round 1 but the case is at round 2');
    } else {
      expectJsonError(stale, 409); // the re-investigation auto-cleared: not awaiting at all
    }
    const detail = await call(host, 'GET', `/api/cases/${caseId}`);
    expect(detail.json.feedback).toEqual([
      expect.objectContaining({
        round: 1,
        text: 'Customer confirmed the travel; look again',
        analyst: 'carol',
      }),
    ]);
  });
});
