import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startOfflineHost, type OfflineHost } from '../../scripts/offline-host/index';
import { ingestSweepWindow, purgeableIngests, SWEEP_LOOKBACK_MS } from '../../src/durable/retention';
import { Orchestrations } from '../../src/names';
import { call, COMPROMISED } from '../api/support';
import { APP_DIR, eventually, postDecision, startApp, waitForCase } from '../support/app';

/**
 * Retention end to end: the app's own sweep purges completed ingest instances minutes after they finish
 * (here: seconds, on the real clock), while cases stay for the scheduler's retention — their records in
 * src/records outlive even that.
 */
let host: OfflineHost | undefined;
afterEach(async () => {
  await host?.stop();
  host = undefined;
});

describe('the ingest sweep', () => {
  it('purges completed ingest instances past INGEST_RETENTION_MINUTES and leaves cases alone', async () => {
    host = await startOfflineHost({
      appDir: APP_DIR,
      port: 0,
      clock: 'real',
      inMemory: true,
      functionKey: 'k',
      env: {
        SIMULATOR_ENABLED: 'false',
        INGEST_RETENTION_MINUTES: '0.05', // 3 s
        RETENTION_SWEEP_SCHEDULE: '*/1 * * * * *',
      },
    });
    const now = Date.now();
    const events = [0, 1, 2].map((i) => ({
      type: 'auth_failure',
      customerId: 'C001',
      timestamp: new Date(now - 60_000 + i * 1000).toISOString(),
    }));
    const res = await fetch(`${host.baseUrl}/api/telemetry`, {
      method: 'POST',
      headers: { 'x-functions-key': 'k', 'content-type': 'application/json' },
      body: JSON.stringify({ events }),
    });
    expect(res.status).toBe(202);
    const body = (await res.json()) as { ingestInstanceIds: string[]; alerts: Array<{ caseId?: string }> };
    const [ingestId] = body.ingestInstanceIds;
    const caseId = body.alerts[0]?.caseId;
    expect(caseId, 'three auth failures open a case').toBeDefined();
    expect((await host.engine.getStatus(ingestId!))?.runtimeStatus).toBe('Completed');

    await eventually(
      () => host!.engine.getStatus(ingestId!),
      (s) => s === undefined,
      15_000,
    );
    expect(await host.engine.getStatus(caseId!)).toBeDefined();
    const left = (await host.engine.query({})).instances.map((i) => i.name);
    expect(left).not.toContain(Orchestrations.ingestTelemetry);
  });
});

describe("the scheduler's retention purges a finished case", () => {
  let dataDir: string | undefined;
  afterEach(() => {
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    dataDir = undefined;
  });

  it('and the case stays listed, readable and audited from its record, across a restart', async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'retention-case-'));
    // Retention shortened from the default 30 days to 1 (the scheduler's minimum); SQLite on disk.
    const env = { DTS_RETENTION_DAYS: '1' };
    host = await startApp({ inMemory: false, dataDir, env });
    const opened = await call(host, 'POST', '/api/cases', {
      body: { customerId: COMPROMISED, description: 'card used abroad and a new device' },
    });
    expect(opened.status, opened.text).toBe(202);
    const caseId = opened.json.caseId as string;

    // Round 1 rejected by one analyst with feedback, round 2 approved by another.
    await waitForCase(host, caseId, (s) => s.stage === 'awaiting_decision' && s.round === 1);
    const reject = await postDecision(host, caseId, {
      decision: 'reject',
      round: 1,
      feedback: 'look at the device history again',
      analyst: 'bob@contoso.com',
    });
    expect(reject.status).toBe(202);
    await waitForCase(host, caseId, (s) => s.stage === 'awaiting_decision' && s.round === 2);
    const approve = await postDecision(host, caseId, {
      decision: 'approve',
      action: 'lock_account',
      round: 2,
      analyst: 'alice@contoso.com',
    });
    expect(approve.status).toBe(202);
    await waitForCase(host, caseId, 'closed');
    const before = await call(host, 'GET', `/api/cases/${caseId}`);
    expect(before.json).toMatchObject({ source: 'instance', outcome: 'action_executed' });

    // A day and a sweep later the scheduler has purged the instance (no one called purge).
    await host.advance(23 * 3_600_000);
    expect(await host.engine.getStatus(caseId), 'kept until its retention ends').toBeDefined();
    await host.advance(3_600_000 + 2 * 60_000);
    expect(await host.engine.getStatus(caseId)).toBeUndefined();

    const check = async (h: OfflineHost) => {
      const listed = await call(h, 'GET', `/api/cases?status=closed&customerId=${COMPROMISED}`);
      expect(listed.status, listed.text).toBe(200);
      expect(listed.json.cases.map((c: { caseId: string }) => c.caseId)).toContain(caseId);
      const r = await call(h, 'GET', `/api/cases/${caseId}`);
      expect(r.status, r.text).toBe(200);
      expect(r.json).toMatchObject({
        source: 'record',
        stage: 'closed',
        outcome: 'action_executed',
        round: 2,
        action: { action: 'lock_account' },
      });
      const { audit } = r.json;
      expect(
        audit.decisions.map((d: { analyst: string; decision: string; round: number }) => [
          d.round,
          d.decision,
          d.analyst,
        ]),
      ).toEqual([
        [1, 'reject', 'bob@contoso.com'],
        [2, 'approve', 'alice@contoso.com'],
      ]);
      expect(audit.ledger).toEqual([
        expect.objectContaining({
          action: 'lock_account',
          analyst: 'alice@contoso.com',
          idempotencyKey: expect.stringMatching(new RegExp(`^${caseId}:r2:lock_account`)),
        }),
      ]);
      // The record answers for the purged case: no decision is taken any more.
      const late = await postDecision(h, caseId, { decision: 'approve', action: 'clear', round: 2 });
      expect(late.status).toBe(409);
    };
    await check(host);

    // The records are on disk, apart from the scheduler's store: a restarted host answers the same.
    await host.stop();
    host = await startApp({ inMemory: false, dataDir, env });
    expect(await host.engine.getStatus(caseId)).toBeUndefined();
    await check(host);
  }, 90_000);
});

describe('sweep selection', () => {
  const at = Date.parse('2026-05-01T12:00:00Z');
  it('looks at instances created between the retention cutoff and a lookback before it', () => {
    const w = ingestSweepWindow(at, 60);
    expect(w.createdTimeTo.toISOString()).toBe('2026-05-01T11:00:00.000Z');
    expect(at - 60 * 60_000 - w.createdTimeFrom.getTime()).toBe(SWEEP_LOOKBACK_MS);
  });

  it('takes completed ingest instances finished before the cutoff, nothing else', () => {
    const cutoff = Date.parse('2026-05-01T11:00:00Z');
    const i = (
      name: string,
      runtimeStatus: string,
      finished: string,
      instanceId = `${name}-${runtimeStatus}`,
    ) => ({
      name,
      instanceId,
      runtimeStatus,
      lastUpdatedTime: finished,
    });
    expect(
      purgeableIngests(
        [
          i(Orchestrations.ingestTelemetry, 'Completed', '2026-05-01T10:59:00Z', 'old'),
          i(Orchestrations.ingestTelemetry, 'Completed', '2026-05-01T11:00:30Z', 'finished-late'),
          i(Orchestrations.ingestTelemetry, 'Failed', '2026-05-01T10:00:00Z'),
          i(Orchestrations.investigateCase, 'Completed', '2026-05-01T10:00:00Z'),
        ],
        cutoff,
      ),
    ).toEqual(['old']);
  });
});
