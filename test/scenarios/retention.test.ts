import { afterEach, describe, expect, it } from 'vitest';
import { startOfflineHost, type OfflineHost } from '../../scripts/offline-host/index';
import { ingestSweepWindow, purgeableIngests, SWEEP_LOOKBACK_MS } from '../../src/durable/retention';
import { Orchestrations } from '../../src/names';
import { APP_DIR, eventually } from '../support/app';

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
