import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OfflineHost } from '../../scripts/offline-host/index';
import { CaseDetailSchema, CaseListSchema } from '../../src/api/openapi';
import { waitForCase } from '../support/app';
import { call, CLEAN, CLEAN_2, COMPROMISED_ALL, expectJsonError, startApi } from './support';

/**
 * The case index and the case record over real HTTP: triage order, search, filters and paging answered
 * by the case-record store; the audit (decisions with analysts, ledger entries with idempotency keys,
 * webhook deliveries with their state); and the record outliving the purge of the instance.
 */
let host: OfflineHost;
let receiver: { url: string; flaky: Set<string>; close(): Promise<void> };
const opened: string[] = [];
const clean: string[] = [];

/** The bank's core system at the true edge: answers 503 once to keys marked flaky, else 200. */
async function startReceiver() {
  const flaky = new Set<string>();
  const failed = new Set<string>();
  const server = http.createServer((req, res) => {
    const key = String(req.headers['idempotency-key']);
    req.resume();
    req.on('end', () => {
      const fail = [...flaky].some((f) => key.startsWith(f)) && !failed.has(key);
      if (fail) failed.add(key);
      res.writeHead(fail ? 503 : 200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/actions`,
    flaky,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

async function openManual(customerId: string, description: string): Promise<string> {
  const r = await call(host, 'POST', '/api/cases', { body: { customerId, description } });
  expect(r.status, r.text).toBe(202);
  return r.json.caseId as string;
}

beforeAll(async () => {
  receiver = await startReceiver();
  host = await startApi({ ACTION_WEBHOOK_URL: receiver.url });
  // Three cases for the analyst, a minute apart (so their deadlines differ), and two that clear themselves.
  for (const customer of COMPROMISED_ALL) {
    const id = await openManual(customer, `suspicious activity on ${customer}`);
    await waitForCase(host, id, 'awaiting_decision');
    opened.push(id);
    await host.advance(60_000);
  }
  for (const customer of [CLEAN, CLEAN_2]) {
    const id = await openManual(customer, `routine check of ${customer}`);
    await waitForCase(host, id, 'closed');
    clean.push(id);
  }
}, 60_000);

afterAll(async () => {
  await host?.stop();
  await receiver?.close();
});

const list = async (q: string) => {
  const r = await call(host, 'GET', `/api/cases?${q}`);
  expect(r.status, r.text).toBe(200);
  CaseListSchema.parse(r.json);
  return r.json as { cases: Array<Record<string, any>>; count: number; total?: number; nextCursor?: string }; // eslint-disable-line @typescript-eslint/no-explicit-any -- fields asserted one by one
};

describe('the case index', () => {
  it('puts the cases awaiting a decision first by deadline, the soonest first', async () => {
    const r = await list('status=awaiting_decision&sort=deadline');
    expect(r.cases.map((c) => c.caseId)).toEqual(opened);
    expect(r.total).toBe(3);
    const deadlines = r.cases.map((c) => c.deadline as string);
    expect(new Set(deadlines).size).toBe(3);
    expect(deadlines).toEqual([...deadlines].sort());
  });

  it('filters by outcome, risk level and rule', async () => {
    expect((await list('outcome=auto_cleared')).cases.map((c) => c.caseId).sort()).toEqual([...clean].sort());
    const high = await list('riskLevel=high');
    expect(high.cases.length).toBeGreaterThan(0);
    expect(high.cases.every((c) => c.risk.level === 'high')).toBe(true);
    expect((await list('rule=manual')).total).toBe(5);
    expect((await list('rule=large_transaction')).cases).toEqual([]);
  });

  it('finds a case by the start of its customer id or its case id, in any case', async () => {
    const [first] = opened as [string];
    const customer = COMPROMISED_ALL[0]!;
    expect((await list(`q=${customer.toLowerCase()}`)).cases.map((c) => c.caseId)).toEqual([first]);
    expect((await list(`q=${first.toUpperCase()}`)).cases.map((c) => c.caseId)).toEqual([first]);
    expect((await list(`q=${first.slice('case-'.length, 20)}`)).cases.map((c) => c.caseId)).toContain(first);
  });

  it('pages through every case once, newest first, with a cursor', async () => {
    const seen: string[] = [];
    let cursor = '';
    for (let pages = 0; pages < 10; pages++) {
      const r = await list(`limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.total).toBe(5);
      seen.push(...r.cases.map((c) => c.caseId));
      if (!r.nextCursor) break;
      cursor = r.nextCursor;
    }
    expect(seen).toHaveLength(5);
    expect(new Set(seen)).toEqual(new Set([...opened, ...clean]));
    expectJsonError(await call(host, 'GET', `/api/cases?sort=risk&cursor=${cursor}`), 400);
  });
});

describe('the audit of a case', () => {
  it('shows the decision with its analyst, the ledger entry with its key and the delivery', async () => {
    const caseId = opened[0]!;
    const d = await call(host, 'POST', `/api/cases/${caseId}/decision`, {
      body: { decision: 'approve', action: 'lock_account', round: 1, analyst: 'alice@contoso.com' },
    });
    expect(d.status, d.text).toBe(202);
    await waitForCase(host, caseId, 'closed');
    const r = await call(host, 'GET', `/api/cases/${caseId}`);
    CaseDetailSchema.parse(r.json);
    expect(r.json).toMatchObject({ source: 'instance', maxRounds: 3, outcome: 'action_executed' });
    const { audit } = r.json;
    expect(audit.decisions).toEqual([
      expect.objectContaining({ analyst: 'alice@contoso.com', decision: 'approve', disposition: 'accepted' }),
    ]);
    expect(audit.ledger).toEqual([
      expect.objectContaining({
        idempotencyKey: `${caseId}:r1:lock_account:lock_account`,
        action: 'lock_account',
        analyst: 'alice@contoso.com',
      }),
    ]);
    const byKind = Object.fromEntries(audit.deliveries.map((x: { kind: string }) => [x.kind, x]));
    expect(byKind['action']).toMatchObject({
      idempotencyKey: `${caseId}:r1:lock_account`,
      state: 'delivered',
      httpStatus: 200,
      attempts: 1,
      target: new URL(receiver.url).host,
    });
    // No analyst webhook is configured here: the audit says nothing was sent, rather than nothing.
    expect(byKind['awaiting_decision']).toMatchObject({ state: 'not_configured', attempts: 0 });
    expect(byKind['closed']).toMatchObject({ state: 'not_configured' });
  });

  it('records a failed delivery and its successful retry under one key', async () => {
    const caseId = opened[1]!;
    receiver.flaky.add(caseId);
    await call(host, 'POST', `/api/cases/${caseId}/decision`, {
      body: { decision: 'approve', action: 'lock_account', round: 1, analyst: 'bob@contoso.com' },
    });
    await waitForCase(host, caseId, 'executing');
    await expect
      .poll(async () => (await call(host, 'GET', `/api/cases/${caseId}`)).json.audit.deliveries)
      .toContainEqual(expect.objectContaining({ kind: 'action', state: 'failed', httpStatus: 503 }));
    await host.advance(6_000); // the activity's retry timer
    await waitForCase(host, caseId, 'closed');
    const { audit } = (await call(host, 'GET', `/api/cases/${caseId}`)).json;
    expect(audit.deliveries.filter((x: { kind: string }) => x.kind === 'action')).toEqual([
      expect.objectContaining({ state: 'delivered', httpStatus: 200, attempts: 2 }),
    ]);
  });
});

describe('after the scheduler purges the instance', () => {
  it('still lists and shows the case from its record, with its audit, and takes no decision', async () => {
    const caseId = opened[0]!;
    expect(await host.engine.purge(caseId)).toEqual({ instancesDeleted: 1 });
    expect(await host.engine.getStatus(caseId)).toBeUndefined();

    const listed = (await list('status=closed&outcome=action_executed')).cases.map((c) => c.caseId);
    expect(listed).toContain(caseId);
    const r = await call(host, 'GET', `/api/cases/${caseId}`);
    expect(r.status, r.text).toBe(200);
    CaseDetailSchema.parse(r.json);
    expect(r.json).toMatchObject({
      source: 'record',
      stage: 'closed',
      outcome: 'action_executed',
      action: { action: 'lock_account', idempotencyKey: `${caseId}:r1:lock_account` },
      decisions: [expect.objectContaining({ analyst: 'alice@contoso.com' })],
    });
    expect(r.json.audit.ledger).toHaveLength(1);
    expect(r.json.timeline.map((t: { event: string }) => t.event)).toContain('action_executed');

    const late = await call(host, 'POST', `/api/cases/${caseId}/decision`, {
      body: { decision: 'approve', action: 'refund_charges', round: 1 },
    });
    expectJsonError(late, 409);
    expect(late.json.details).toMatchObject({ stage: 'closed' });
    // The same approval again is still a repeat, answered without effect.
    const repeat = await call(host, 'POST', `/api/cases/${caseId}/decision`, {
      body: { decision: 'approve', action: 'lock_account', round: 1, analyst: 'alice@contoso.com' },
    });
    expect(repeat.status).toBe(200);
    expect(repeat.json).toMatchObject({ repeat: true });
  });
});
