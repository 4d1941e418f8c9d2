import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startOfflineHost, type OfflineHost } from '../../scripts/offline-host/index';
import type { CaseStatus } from '../../src/cases/types';
import { Activities, Orchestrations } from '../../src/names';
import {
  DEFAULT_SETTINGS,
  ledgerOf,
  openCase,
  startApp,
  transactionAlert,
  waitForCase,
} from '../support/app';

/**
 * Failure paths of a case: the investigation itself fails (every specialist throws, through all the
 * orchestration's retries), and the model endpoint is down (the agents degrade). Neither may end in an
 * auto-clear: the first escalates, the second goes to an analyst.
 */
const FIXTURE_DIR = path.resolve(__dirname, 'fixtures/failing-specialist');
const CLEAN = 'C001'; // the Contoso clean control: a healthy investigation auto-clears it

let host: OfflineHost | undefined;
let server: Server | undefined;
afterEach(async () => {
  await host?.stop();
  host = undefined;
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

type Calls = Record<string, number>;
const fixtureCalls = (): Calls =>
  (globalThis as { __failingSpecialistCalls?: Calls }).__failingSpecialistCalls ?? {};

/** Moves the virtual clock a second at a time until the instance has finished (retry timers fire on the way). */
async function advanceUntilDone(h: OfflineHost, instanceId: string, maxMs: number): Promise<void> {
  for (let elapsed = 0; elapsed <= maxMs; elapsed += 1_000) {
    await h.engine.idle();
    const s = await h.engine.getStatus(instanceId);
    if (s && ['Completed', 'Failed', 'Terminated'].includes(s.runtimeStatus)) return;
    await h.advance(1_000);
  }
  throw new Error(`${instanceId} still running after ${maxMs} ms of virtual time`);
}

/** An OpenAI-compatible endpoint that is down: every request gets a 500. */
async function brokenModelEndpoint(): Promise<{ url: string; requests: () => number }> {
  let requests = 0;
  server = createServer((req, res) => {
    requests++;
    req.resume();
    req.on('end', () => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'upstream model unavailable', type: 'server_error' } }));
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/v1`, requests: () => requests };
}

describe('a failing investigation', () => {
  it('escalates an investigation that fails after retries, and never auto-clears it', async () => {
    host = await startOfflineHost({
      appDir: FIXTURE_DIR,
      port: 0,
      clock: 'virtual',
      inMemory: true,
      functionKey: 'test-key',
    });
    expect(host.functions.map((f) => f.name)).toEqual(
      expect.arrayContaining([Orchestrations.investigateCase, 'caseSession', 'accountLedger']),
    );
    const caseId = await openCase(host, transactionAlert(CLEAN, 90));

    // Three specialists × three attempts, 5 s then 10 s apart (virtual time), then the close-out activities.
    await advanceUntilDone(host, caseId, 120_000);
    const status = await host.engine.getStatus(caseId);
    expect(status!.runtimeStatus).toBe('Completed');
    const done = status!.output as CaseStatus;
    expect(done.stage).toBe('closed');
    expect(done.outcome).toBe('escalated_failure');
    expect(done.timeline.map((t) => t.event)).not.toContain('auto_cleared');
    expect(done.risk).toBeUndefined();
    expect(done.action).toBeUndefined();

    const calls = fixtureCalls();
    expect(calls[Activities.investigateSpecialist]).toBe(9);
    expect(calls[Activities.aggregateFindings]).toBeUndefined();
    expect(calls[Activities.autoClear]).toBeUndefined();
    expect(calls[Activities.executeAction]).toBeUndefined();
    expect(calls[Activities.escalate]).toBe(1);
    expect((await ledgerOf(host, CLEAN)).entries).toEqual([]);
  });

  it('sends a clean customer to the analyst instead of auto-clearing when the model endpoint is down', async () => {
    const endpoint = await brokenModelEndpoint();
    host = await startApp({ env: { OPENAI_BASE_URL: endpoint.url, OPENAI_API_KEY: 'x' } });
    const caseId = await openCase(host, transactionAlert(CLEAN, 90), DEFAULT_SETTINGS);

    const waiting = await waitForCase(host, caseId, (s) => s.stage !== 'investigating', 30_000);
    expect(waiting.stage).toBe('awaiting_decision');
    expect(waiting.outcome).toBeUndefined();
    expect(waiting.risk!.degraded).toBe(true);
    expect(waiting.findings).toHaveLength(3);
    expect(waiting.findings.every((f) => f.degraded)).toBe(true);
    // The endpoint really was called (no offline model quietly answered in its place).
    expect(endpoint.requests()).toBeGreaterThanOrEqual(3);
    expect((await ledgerOf(host, CLEAN)).entries).toEqual([]);
  });
});
