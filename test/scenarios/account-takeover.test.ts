import { afterEach, describe, expect, it } from 'vitest';
import { startOfflineHost, type OfflineHost } from '../../scripts/offline-host/index';
import { caseIdFor } from '../../src/cases/types';
import { datasetAt } from '../../src/tools/data/dataset';
import { plantedPatterns } from '../../src/tools/data/planted';
import { APP_DIR, eventually } from '../support/app';

/**
 * The account takeover of issue 9, as a new user meets it: `npm run local` with the simulator off (the
 * offline host, real clock), telemetry POSTed over real HTTP on a customer whose shipped history is clean.
 * It must reach an analyst, and the case view must show the live events that convinced the specialists.
 */
let host: OfflineHost | undefined;
afterEach(async () => {
  await host?.stop();
  host = undefined;
});

const KEY = 'scenario-key';
async function startLocal(env: Record<string, string> = {}): Promise<OfflineHost> {
  return startOfflineHost({
    appDir: APP_DIR,
    port: 0,
    clock: 'real',
    inMemory: true,
    functionKey: KEY,
    enableTimerTriggers: false,
    env: { SIMULATOR_ENABLED: 'false', ...env },
  });
}
const api = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${host!.baseUrl}${path}`, {
    method,
    headers: { 'x-functions-key': KEY, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- asserted field by field
  return { status: res.status, json: (await res.json()) as any };
};
const minutesAgo = (m: number, s = 0) => new Date(Date.now() - m * 60_000 + s * 1000).toISOString();

/** A customer with a clean shipped history, at home in the US, spending about $200 a purchase. */
function cleanUsCustomer(): { id: string; avg: number } {
  const picked = datasetAt()
    .data.customers.filter((c) => !plantedPatterns[c.id] && c.homeCountries.includes('US'))
    .sort((a, b) => Math.abs(a.avgTransactionUsd - 200) - Math.abs(b.avgTransactionUsd - 200))[0]!;
  return { id: picked.id, avg: picked.avgTransactionUsd };
}

describe('an account takeover on a clean customer (issue 9)', () => {
  it('reaches an analyst, and the case shows the live events that convinced the specialists', async () => {
    host = await startLocal();
    const { id, avg } = cleanUsCustomer();
    expect(5000 / avg).toBeGreaterThan(20);
    const events = [
      {
        type: 'login',
        customerId: id,
        timestamp: minutesAgo(22),
        country: 'US',
        ip: '73.12.4.9',
        success: true,
      },
      ...Array.from({ length: 6 }, (_, i) => ({
        type: 'auth_failure',
        customerId: id,
        timestamp: minutesAgo(15, i * 8),
      })),
      {
        type: 'login',
        customerId: id,
        timestamp: minutesAgo(12),
        country: 'NG',
        ip: '41.58.77.2',
        success: true,
      },
      {
        type: 'transaction',
        customerId: id,
        timestamp: minutesAgo(9),
        amount: 5000,
        merchant: 'Lagos Luxury Imports',
      },
      ...Array.from({ length: 30 }, (_, i) => ({
        type: 'api_call',
        customerId: id,
        timestamp: minutesAgo(5, i * 1.5),
        endpoint: '/v1/account/export',
      })),
    ];
    const ingest = await api('POST', '/api/telemetry', { events });
    expect(ingest.status).toBe(202);
    const rules = ingest.json.alerts.map((a: { rule: string }) => a.rule).sort();
    expect(rules).toEqual(['api_call_burst', 'auth_failure_burst', 'large_transaction', 'new_country_login']);
    const caseId = ingest.json.alerts.find((a: { caseId?: string }) => a.caseId)?.caseId as string;
    expect(caseId).toBe(caseIdFor(ingest.json.alerts[0].alertId));

    const view = await eventually(
      () => api('GET', `/api/cases/${caseId}`),
      (r) => r.json.stage === 'awaiting_decision' && r.json.rounds?.length > 0,
      30_000,
    );
    const c = view.json;
    expect(c.risk.score).toBeGreaterThanOrEqual(0.6);
    expect(c.risk.recommendedAction).not.toBe('clear');
    const round = c.rounds.at(-1);
    expect(round.clearance).toMatchObject({
      autoClear: false,
      reason: expect.stringMatching(/at or above the threshold/),
    });
    const scores = Object.fromEntries(
      round.findings.map((f: { specialist: string; riskScore: number }) => [f.specialist, f.riskScore]),
    );
    expect(scores.location).toBeGreaterThanOrEqual(0.6);
    expect(scores.billing).toBeGreaterThanOrEqual(0.6);
    expect(scores.usage).toBeGreaterThanOrEqual(0.6);

    // The live events behind the findings, as the case view shows them.
    const live = round.findings.flatMap(
      (f: { liveEvidence?: Array<{ text: string }> }) => f.liveEvidence ?? [],
    );
    const text = live.map((e: { text: string }) => e.text).join('\n');
    expect(text).toMatch(/sign-in from NG/);
    expect(text).toMatch(/authentication failure/);
    expect(text).toMatch(/purchase \$5000 at Lagos Luxury Imports/);
    expect(text).toMatch(/API call \/v1\/account\/export/);
    expect(round.findings.map((f: { evidence: string[] }) => f.evidence.join(' ')).join(' ')).toMatch(
      /Impossible travel: US → NG in 10 min/,
    );

    // The console's customer panel reads the same live events through the activity route.
    const activity = await api('GET', `/api/customers/${id}/activity?source=live&limit=100`);
    expect(activity.json.items).toHaveLength(events.length);
  }, 60_000);
});
