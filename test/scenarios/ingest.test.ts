import { afterEach, describe, expect, it } from 'vitest';
import type { OfflineHost } from '../../scripts/offline-host/index';
import type { CaseStatus } from '../../src/cases/types';
import type { TelemetryEvent } from '../../src/detection/schema';
import { Orchestrations } from '../../src/names';
import { customerById, plantedPatterns } from '../../src/tools';
import { eventually, postDecision, startApp, waitForCase } from '../support/app';

/**
 * Ambient detection end to end: telemetry over real HTTP (`POST /api/telemetry` with the function key)
 * into the real app on the offline host (virtual clock, simulator off), through the customerProfile
 * entity and the ingest orchestration, to investigateCase instances read back through the case API.
 */
const compromised = Object.entries(plantedPatterns).find(
  ([, p]) => p.location === 'strong' && p.billing === 'strong',
)![0];
const clean = Object.entries(plantedPatterns).find(([, p]) => p.patterns.includes('clean_control'))![0];

let hosts: OfflineHost[] = [];
afterEach(async () => {
  await Promise.all(hosts.map((h) => h.stop()));
  hosts = [];
});
async function freshHost(): Promise<OfflineHost> {
  const h = await startApp();
  hosts.push(h);
  return h;
}

// ---- small builders -------------------------------------------------------------------------------

const T0 = Date.parse('2026-03-31T08:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

function averageOf(customerId: string): number {
  const c = customerById(customerId);
  if (!c) throw new Error(`no Contoso customer ${customerId}`);
  return c.avgTransactionUsd;
}

const purchase = (
  customerId: string,
  minute: number,
  amount: number,
  merchant = 'Corner Shop',
): TelemetryEvent => ({
  type: 'transaction',
  customerId,
  timestamp: at(minute),
  amount: Math.round(amount * 100) / 100,
  merchant,
});

/**
 * 40 events for one customer over ~3 hours: ordinary purchases near the average, home-country logins,
 * normal data usage, and 3 anomalies (two purchases at 10× the average, one 10× data-usage day), each
 * far more than 60 s from the others so dedup does not depend on arrival order.
 */
function dayOfEvents(customerId: string): { events: TelemetryEvent[]; anomalies: number } {
  const c = customerById(customerId)!;
  const avg = c.avgTransactionUsd;
  const home = c.homeCountries[0]!;
  const events: TelemetryEvent[] = [];
  for (let i = 0; i < 37; i++) {
    const minute = i * 5;
    if (i % 3 === 0)
      events.push({
        type: 'login',
        customerId,
        timestamp: at(minute),
        country: home,
        ip: `10.0.0.${i + 1}`,
        success: true,
      });
    else if (i % 3 === 1) events.push(purchase(customerId, minute, avg * (0.8 + (i % 5) * 0.1)));
    else
      events.push({
        type: 'data_usage',
        customerId,
        timestamp: at(minute),
        mb: Math.round(c.avgDailyDataGb * 1024 * 0.9),
      });
  }
  events.push(purchase(customerId, 31, avg * 10, 'Electronics Hub'));
  events.push(purchase(customerId, 96, avg * 10, 'Jewellery World'));
  events.push({
    type: 'data_usage',
    customerId,
    timestamp: at(151),
    mb: Math.round(c.avgDailyDataGb * 1024 * 10),
  });
  return { events, anomalies: 3 };
}

// ---- HTTP -----------------------------------------------------------------------------------------

interface Accepted {
  accepted: number;
  ingestInstanceIds: string[];
  alerts: Array<{ alertId: string; caseId?: string }>;
  pending: string[];
  failed: string[];
}

async function postTelemetry(host: OfflineHost, events: TelemetryEvent[]): Promise<Accepted> {
  const res = await fetch(`${host.baseUrl}/api/telemetry`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-functions-key': 'test-key' },
    body: JSON.stringify({ events }),
  });
  const body = (await res.json()) as Accepted;
  expect(res.status, JSON.stringify(body)).toBe(202);
  return body;
}

interface CaseSummaryView {
  caseId: string;
  customerId: string;
  stage: string;
  outcome?: string;
}

async function casesOf(host: OfflineHost, customerId: string): Promise<CaseSummaryView[]> {
  const res = await fetch(`${host.baseUrl}/api/cases?customerId=${encodeURIComponent(customerId)}`, {
    headers: { 'x-functions-key': 'test-key' },
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { cases: CaseSummaryView[] }).cases;
}

async function caseDetail(host: OfflineHost, caseId: string) {
  const res = await fetch(`${host.baseUrl}/api/cases/${encodeURIComponent(caseId)}`, {
    headers: { 'x-functions-key': 'test-key' },
  });
  expect(res.status).toBe(200);
  return (await res.json()) as {
    caseId: string;
    stage: string;
    evidenceCount: number;
    evidence: Array<{ round: number; alert: { alertId: string } }>;
  };
}

/** Every ingest instance finished: the alert ids they raised (from their outputs), sorted. */
async function alertIdsOf(host: OfflineHost, ingestIds: readonly string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const id of new Set(ingestIds)) {
    const s = await host.waitForStatus(id, ['Completed', 'Failed', 'Terminated'], 15_000);
    expect(s.runtimeStatus, `${id}: ${JSON.stringify(s.output)}`).toBe('Completed');
    for (const a of (s.output as { alerts: Array<{ alertId: string }> }).alerts) ids.push(a.alertId);
  }
  return ids.sort();
}

async function instanceIds(host: OfflineHost): Promise<string[]> {
  const { instances } = await host.engine.query({});
  return instances.map((i) => i.instanceId).sort();
}

async function caseInstances(host: OfflineHost, customerId: string): Promise<string[]> {
  const { instances } = await host.engine.query({ instanceIdPrefix: `case-${customerId}-` });
  return instances
    .filter((i) => i.name === Orchestrations.investigateCase)
    .map((i) => i.instanceId)
    .sort();
}

const assessed = (s: CaseStatus) => s.stage === 'awaiting_decision' || s.stage === 'closed';

// ---- the scenarios --------------------------------------------------------------------------------

describe('telemetry ingest', () => {
  it('opens exactly one case for a transaction ten times the customer average, and the case reaches an assessment', async () => {
    const host = await freshHost();
    const avg = averageOf(compromised);
    const reply = await postTelemetry(host, [purchase(compromised, 0, avg * 10, 'Electronics Hub')]);
    expect(reply.accepted).toBe(1);
    expect(reply.failed).toEqual([]);

    const alerts = await alertIdsOf(host, reply.ingestInstanceIds);
    expect(alerts).toEqual([`${compromised}-large_transaction-20260331T080000000Z`]);
    const cases = await eventually(
      () => casesOf(host, compromised),
      (c) => c.length > 0,
    );
    expect(cases.map((c) => c.caseId)).toEqual([`case-${alerts[0]}`]);
    const status = await waitForCase(host, cases[0]!.caseId, assessed);
    expect(['awaiting_decision', 'closed']).toContain(status.stage);
    expect(await casesOf(host, compromised)).toHaveLength(1);
  });

  it('gives the same alerts for one customer whether its events arrive in parallel requests or in one batch, and opens exactly one case', async () => {
    const { events, anomalies } = dayOfEvents(compromised);

    // In sequence: one batch, on a fresh host.
    const sequentialHost = await freshHost();
    const batch = await postTelemetry(sequentialHost, events);
    const sequentialAlerts = await alertIdsOf(sequentialHost, batch.ingestInstanceIds);
    expect(sequentialAlerts).toHaveLength(anomalies);
    await sequentialHost.stop();
    hosts = hosts.filter((h) => h !== sequentialHost);

    // In parallel: every event its own request, all in flight at once, on another fresh host.
    const host = await freshHost();
    const replies = await Promise.all(events.map((e) => postTelemetry(host, [e])));
    expect(replies.flatMap((r) => r.failed)).toEqual([]);
    const parallelAlerts = await alertIdsOf(
      host,
      replies.flatMap((r) => r.ingestInstanceIds),
    );
    expect(parallelAlerts).toEqual(sequentialAlerts);

    // Exactly one case; the other alerts joined it as evidence the analyst sees.
    await host.engine.idle();
    const cases = await casesOf(host, compromised);
    expect(
      cases.map((c) => c.caseId),
      'one open case per customer',
    ).toHaveLength(1);
    expect(await caseInstances(host, compromised)).toHaveLength(1);
    const caseId = cases[0]!.caseId;
    expect(sequentialAlerts.map((a) => `case-${a}`)).toContain(caseId);
    await waitForCase(host, caseId, 'awaiting_decision');
    // Later alerts land in the case's evidence inbox (its session), which the API shows at once.
    const detail = await eventually(
      () => caseDetail(host, caseId),
      (d) => d.evidence.length === anomalies - 1,
    );
    expect(detail.evidenceCount).toBe(anomalies - 1);
    const evidenceIds = detail.evidence.map((e) => e.alert.alertId).sort();
    expect(evidenceIds).toEqual(parallelAlerts.filter((a) => `case-${a}` !== caseId));
  });

  it('starts nothing new when the same batch is retried', async () => {
    const host = await freshHost();
    const { events } = dayOfEvents(compromised);
    const first = await postTelemetry(host, events);
    await alertIdsOf(host, first.ingestInstanceIds);
    const caseId = (
      await eventually(
        () => casesOf(host, compromised),
        (c) => c.length === 1,
      )
    )[0]!.caseId;
    await waitForCase(host, caseId, assessed);
    await host.engine.idle();
    const before = await instanceIds(host);

    const retry = await postTelemetry(host, events);
    expect(retry.ingestInstanceIds).toEqual(first.ingestInstanceIds);
    await host.engine.idle();
    expect(await instanceIds(host)).toEqual(before);
    expect((await casesOf(host, compromised)).map((c) => c.caseId)).toEqual([caseId]);
  });

  it('lets the profile learn that the case closed, so the next anomaly opens a new case', async () => {
    const host = await freshHost();
    const avg = averageOf(clean);
    const first = await postTelemetry(host, [purchase(clean, 0, avg * 10, 'Electronics Hub')]);
    const [firstAlert] = await alertIdsOf(host, first.ingestInstanceIds);
    const firstCase = `case-${firstAlert}`;
    const assessment = await waitForCase(host, firstCase, assessed);
    if (assessment.stage === 'awaiting_decision') {
      expect(
        (await postDecision(host, firstCase, { decision: 'approve', action: 'clear', round: 1 })).status,
      ).toBe(202);
    }
    const closedCase = await waitForCase(host, firstCase, 'closed');
    expect(closedCase.outcome).toMatch(/^(auto_cleared|cleared_by_analyst)$/);
    await eventually(
      async () =>
        (await host.engine.readEntityState('customerProfile', clean)).state as
          { openCaseId: string | null } | undefined,
      (s) => s?.openCaseId === null,
    );

    // Two hours later (well past dedup), another large purchase.
    const second = await postTelemetry(host, [purchase(clean, 120, avg * 10, 'Electronics Hub')]);
    const [secondAlert] = await alertIdsOf(host, second.ingestInstanceIds);
    const secondCase = `case-${secondAlert}`;
    expect(secondCase).not.toBe(firstCase);
    await waitForCase(host, secondCase, assessed);
    const cases = await casesOf(host, clean);
    expect(cases.map((c) => c.caseId).sort()).toEqual([firstCase, secondCase].sort());
    expect(cases.find((c) => c.caseId === firstCase)!.stage).toBe('closed');
    const profile = (await host.engine.readEntityState('customerProfile', clean)).state as {
      openCaseId: string | null;
    };
    if (profile.openCaseId !== null) expect(profile.openCaseId).toBe(secondCase);
  });
  it('opens exactly one replacement case when parallel alerts find the open case already ended', async () => {
    // The case ends without its close reaching the profile (terminated here), so the profile still routes
    // new alerts to it; two batches racing in must agree on one new case.
    const host = await freshHost();
    const avg = averageOf(compromised);
    const first = await postTelemetry(host, [purchase(compromised, 0, avg * 10, 'Electronics Hub')]);
    const [firstAlert] = await alertIdsOf(host, first.ingestInstanceIds);
    const firstCase = `case-${firstAlert}`;
    await waitForCase(host, firstCase, assessed);
    await host.engine.terminate(firstCase, 'test: ended without telling the profile');

    await Promise.all([
      postTelemetry(host, [purchase(compromised, 130, avg * 11, 'Phone Shop')]),
      postTelemetry(host, [purchase(compromised, 140, avg * 12, 'Laptop Store')]),
    ]);
    const open = await eventually(
      async () => (await casesOf(host, compromised)).filter((c) => c.caseId !== firstCase),
      (cases) => cases.length > 0 && cases.every((c) => c.stage !== 'investigating'),
    );
    expect(open, 'one replacement case').toHaveLength(1);
    const profile = (await host.engine.readEntityState('customerProfile', compromised)).state as {
      openCaseId: string | null;
    };
    expect(profile.openCaseId).toBe(open[0]!.caseId);
  });

  it('keeps the opening alert when a joining alert reaches the case before the case has started', async () => {
    // The interleaving the parallel test can hit: the profile routed alert A to open case-A and alert B to
    // join it (the profile hands B's activity the opener A too), and B's startCase activity runs before
    // A's. Played here in that order, deterministically: the profile routes both (B waits in the inbox of
    // A's case), then the two deliveries run B first.
    const host = await freshHost();
    const avg = averageOf(compromised);
    const alertOf = (minute: number) => {
      const event = purchase(compromised, minute, avg * 10, 'Electronics Hub');
      const alertId = `${compromised}-large_transaction-${event.timestamp.replace(/[-:.]/g, '')}`;
      return {
        alertId,
        customerId: compromised,
        rule: 'large_transaction' as const,
        severity: 'critical' as const,
        description: 'large',
        detectedAt: event.timestamp,
        events: [event],
      };
    };
    const a = alertOf(0);
    const b = alertOf(90);
    const caseId = `case-${a.alertId}`;
    await host.engine.signalEntity('customerProfile', compromised, 'route', { alerts: [a, b] });
    await host.engine.idle();
    await host.invoker.invokeActivity(
      'startCase',
      { customerId: compromised, attach: { caseId, alerts: [b], opener: a } },
      'ingest-b',
    );
    await host.invoker.invokeActivity(
      'startCase',
      { customerId: compromised, startCase: { caseId, alert: a } },
      'ingest-a',
    );

    await waitForCase(host, caseId, 'awaiting_decision');
    const started = await host.engine.getStatus(caseId, { showInput: true });
    const opening = (started!.input as { alert: { alertId: string } }).alert.alertId;
    const detail = await eventually(
      () => caseDetail(host, caseId),
      (d) => d.stage === 'awaiting_decision' && d.evidence.length > 0,
    );
    const seen = [opening, ...detail.evidence.map((e) => e.alert.alertId)].sort();
    expect(seen, 'both alerts reach the case, A as the one that opened it').toEqual(
      [a.alertId, b.alertId].sort(),
    );
    expect(opening).toBe(a.alertId);
    expect(detail.evidenceCount).toBe(1);
  });
});
