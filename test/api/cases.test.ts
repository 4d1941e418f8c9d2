import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OfflineHost } from '../../scripts/offline-host/index';
import { CaseCreatedSchema, CaseDetailSchema, CaseListSchema } from '../../src/api/openapi';
import { waitForCase } from '../support/app';
import {
  call,
  CLEAN,
  CLEAN_2,
  COMPROMISED_ALL,
  expectJsonError,
  snapshot,
  startApi,
  transaction,
} from './support';

let host: OfflineHost;
beforeAll(async () => {
  host = await startApi();
});
afterAll(() => host?.stop());

const [OPEN_CUSTOMER, TERMINATED_CUSTOMER] = COMPROMISED_ALL as [string, string];

describe('POST /api/cases', () => {
  it('opens a case from a manual alert: 202, status links, Location, and a running investigation', async () => {
    const r = await call(host, 'POST', '/api/cases', {
      body: { customerId: CLEAN, description: 'Customer called about a charge they do not recognise' },
    });
    expect(r.status, r.text).toBe(202);
    CaseCreatedSchema.parse(r.json);
    expect(r.json).toMatchObject({
      caseId: expect.stringMatching(/^case-manual-[0-9a-f]{20}$/),
      created: true,
    });
    expect(r.json.statusUrl).toBe(`${host.baseUrl}/api/cases/${r.json.caseId}`);
    expect(r.headers.get('location')).toBe(r.json.statusUrl);
    expect(r.json.decisionUrl).toBe(`${r.json.statusUrl}/decision`);
    // The Durable management URLs carry the system key: a function key must not reveal it.
    expect(JSON.stringify(r.json)).not.toContain('runtime/webhooks');
    const instance = await host.engine.getStatus(r.json.caseId, { showInput: true });
    expect(instance?.name).toBe('investigateCase');
    expect(instance?.input).toMatchObject({
      schemaVersion: 1,
      customerId: CLEAN,
      openedBy: 'manual',
      openedByAnalyst: 'anonymous',
      alert: { rule: 'manual', severity: 'high', events: [] },
      settings: { riskThreshold: 0.6, decisionTimeoutHours: 72, maxRounds: 3 },
    });
    const detail = await call(host, 'GET', new URL(r.json.statusUrl).pathname);
    expect(detail.status).toBe(200);
    expect(detail.json.caseId).toBe(r.json.caseId);
  });

  it('answers a retried request with the same case and starts nothing', async () => {
    const body = {
      customerId: CLEAN_2,
      description: 'Retry me',
      requestId: 'req-42',
      events: [transaction(CLEAN_2, 12)],
    };
    const first = await call(host, 'POST', '/api/cases', { body });
    const before = await snapshot(host);
    const again = await call(host, 'POST', '/api/cases', { body });
    expect(again.status).toBe(202);
    expect(again.json).toMatchObject({ caseId: first.json.caseId, created: false });
    expect(await snapshot(host)).toBe(before);
  });

  it('starts one case when the same request arrives twice at once', async () => {
    const body = { customerId: 'M100', description: 'double click', requestId: 'dbl-1' };
    const replies = await Promise.all([1, 2].map(() => call(host, 'POST', '/api/cases', { body })));
    expect(replies.map((r) => r.status)).toEqual([202, 202]);
    expect(new Set(replies.map((r) => r.json.caseId)).size).toBe(1);
    expect(replies.filter((r) => r.json.created)).toHaveLength(1);
  });

  it('answers 409 with the open case when the customer already has one', async () => {
    const first = await call(host, 'POST', '/api/cases', {
      body: { customerId: OPEN_CUSTOMER, description: 'first report' },
    });
    await waitForCase(host, first.json.caseId, 'awaiting_decision');
    const before = await snapshot(host);
    const second = await call(host, 'POST', '/api/cases', {
      body: { customerId: OPEN_CUSTOMER, description: 'second report' },
    });
    expectJsonError(second, 409);
    expect(second.json.details).toMatchObject({ openCaseId: first.json.caseId });
    expect(await snapshot(host)).toBe(before);
  });

  it('uses the Easy Auth principal as the analyst who opened the case', async () => {
    const principal = Buffer.from(
      JSON.stringify({ claims: [{ typ: 'name', val: 'ana@contoso.com' }] }),
    ).toString('base64');
    const r = await call(host, 'POST', '/api/cases', {
      body: { customerId: 'C050', description: 'from the console', analyst: 'someone-else' },
      headers: { 'x-ms-client-principal': principal },
    });
    expect(r.status).toBe(202);
    expect((await host.engine.getStatus(r.json.caseId, { showInput: true }))?.input).toMatchObject({
      openedByAnalyst: 'ana@contoso.com',
    });
  });
});

describe('GET /api/cases and /api/cases/{caseId}', () => {
  it('lists case summaries newest first, with filters and a limit', async () => {
    const all = await call(host, 'GET', '/api/cases');
    expect(all.status).toBe(200);
    CaseListSchema.parse(all.json);
    expect(all.json.count).toBeGreaterThanOrEqual(3);
    const opened = all.json.cases.map((c: { openedAt: string }) => c.openedAt);
    expect([...opened].sort().reverse()).toEqual(opened);
    const mine = await call(host, 'GET', `/api/cases?customerId=${OPEN_CUSTOMER}&status=awaiting_decision`);
    expect(mine.json.cases).toEqual([
      expect.objectContaining({
        customerId: OPEN_CUSTOMER,
        stage: 'awaiting_decision',
        round: 1,
        deadline: expect.any(String),
      }),
    ]);
    expect((await call(host, 'GET', '/api/cases?limit=1')).json.count).toBe(1);
    const open = await call(host, 'GET', '/api/cases?status=open');
    expect(open.json.cases.every((c: { stage: string }) => c.stage !== 'closed')).toBe(true);
    // Ingest instances are not cases.
    expect(all.json.cases.every((c: { caseId: string }) => c.caseId.startsWith('case-'))).toBe(true);
  });

  it.each([
    'status=bogus',
    'limit=0',
    'limit=abc',
    'customerId=%3Cscript%3E',
    'unknown=1',
    'status=open&status=closed',
  ])('answers 400 for ?%s', async (q) => {
    expectJsonError(await call(host, 'GET', `/api/cases?${q}`), 400);
  });

  it('shows a case with its status, assessment, findings, conversation and timeline', async () => {
    const [c] = (await call(host, 'GET', `/api/cases?customerId=${OPEN_CUSTOMER}`)).json.cases;
    const r = await call(host, 'GET', `/api/cases/${c.caseId}`);
    expect(r.status).toBe(200);
    CaseDetailSchema.parse(r.json);
    expect(r.json).toMatchObject({
      caseId: c.caseId,
      customerId: OPEN_CUSTOMER,
      stage: 'awaiting_decision',
      round: 1,
      deadline: expect.any(String),
    });
    expect(r.json.assessment).toMatchObject({
      round: 1,
      riskScore: expect.any(Number),
      level: expect.any(String),
    });
    expect(r.json.findings).toHaveLength(3);
    expect(r.json.timeline.map((t: { event: string }) => t.event)).toContain('awaiting_decision');
    expect(r.json.usage).toEqual({ tokens: expect.any(Number), usd: expect.any(Number) });
    // local.settings.json names the DTS emulator, so the link points at its dashboard.
    expect(r.json.dashboardUrl).toContain(encodeURIComponent(c.caseId));
  });

  it('shows a terminated case as closed with escalated_failure and the reason', async () => {
    const created = await call(host, 'POST', '/api/cases', {
      body: { customerId: TERMINATED_CUSTOMER, description: 'will be terminated' },
    });
    await waitForCase(host, created.json.caseId, 'awaiting_decision');
    await host.engine.terminate(created.json.caseId, 'operator stopped it');
    await host.waitForStatus(created.json.caseId, ['Terminated']);
    const r = await call(host, 'GET', `/api/cases/${created.json.caseId}`);
    expect(r.json).toMatchObject({
      stage: 'closed',
      outcome: 'escalated_failure',
      runtimeStatus: 'Terminated',
      error: expect.stringContaining('operator stopped it'),
    });
  });

  it.each([
    'case-does-not-exist',
    '..%2F..%2Fadmin',
    '%3Cscript%3Ealert(1)%3C%2Fscript%3E',
    "case-1'%20OR%20'1'%3D'1",
    '%F0%9F%99%82',
    '%E2%80%AEcase',
    'case%E2%80%8B1',
    'x'.repeat(300),
  ])('answers 404 JSON for the case id %s', async (id) => {
    expectJsonError(await call(host, 'GET', `/api/cases/${id}`), 404);
  });

  it('answers 404 for an instance that is not a case', async () => {
    const t = await call(host, 'POST', '/api/telemetry', { body: { events: [transaction('N1', 1)] } });
    expectJsonError(await call(host, 'GET', `/api/cases/${t.json.ingestInstanceIds[0]}`), 404);
  });
});
