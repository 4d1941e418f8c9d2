import path from 'node:path';
import { startOfflineHost, type OfflineHost } from '../../scripts/offline-host/index';
import type { CaseInput, CaseStatus } from '../../src/cases/types';
import type { Alert, TelemetryEvent } from '../../src/detection/schema';
import { Entities, Events, Orchestrations } from '../../src/names';
import type { Stage } from '../../src/review/types';

/** The app under test: the repo root, built to dist/ by `npm test`'s pretest step. */
export const APP_DIR = path.resolve(__dirname, '../..');

export interface AppOptions {
  env?: Record<string, string>;
  inMemory?: boolean;
  dataDir?: string;
}

/** Starts the real app on the offline host: virtual clock, no simulator, ephemeral port. */
export function startApp(opts: AppOptions = {}): Promise<OfflineHost> {
  return startOfflineHost({
    appDir: APP_DIR,
    port: 0,
    clock: 'virtual',
    inMemory: opts.inMemory ?? true,
    ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
    functionKey: 'test-key',
    env: { SIMULATOR_ENABLED: 'false', ...opts.env },
  });
}

export const DEFAULT_SETTINGS = { riskThreshold: 0.6, decisionTimeoutHours: 72, maxRounds: 3 };

/** A small alert builder: a flagged transaction for a customer at a fixed time. */
export function transactionAlert(customerId: string, amount = 1200, merchant = 'Electronics Hub'): Alert {
  const timestamp = '2026-03-31T10:00:00.000Z';
  const event: TelemetryEvent = { type: 'transaction', customerId, timestamp, amount, merchant };
  return {
    alertId: `${customerId}-large_transaction-20260331T100000000Z`,
    customerId,
    rule: 'large_transaction',
    severity: 'high',
    description: `Transaction of $${amount} at ${merchant}`,
    detectedAt: timestamp,
    events: [event],
  };
}

export async function openCase(
  host: OfflineHost,
  alert: Alert,
  settings = DEFAULT_SETTINGS,
): Promise<string> {
  const caseId = `case-${alert.alertId}`;
  const input: CaseInput = {
    schemaVersion: 1,
    caseId,
    customerId: alert.customerId,
    alert,
    settings,
    openedBy: 'manual',
  };
  await host.engine.startNew(Orchestrations.investigateCase, { instanceId: caseId, input });
  return caseId;
}

/** Waits until the case's published status satisfies the predicate; returns that status. */
export async function waitForCase(
  host: OfflineHost,
  caseId: string,
  until: Stage | ((s: CaseStatus) => boolean),
  timeoutMs = 15_000,
): Promise<CaseStatus> {
  const ok = typeof until === 'function' ? until : (s: CaseStatus) => s.stage === until;
  const status = await host.waitForStatus(
    caseId,
    (s) => {
      const cs = caseStatusOf(s);
      // A closed case still sends its notifications: it counts as closed once the instance completes.
      const settled =
        cs !== undefined && ok(cs) && (cs.stage !== 'closed' || s.runtimeStatus === 'Completed');
      return settled || s.runtimeStatus === 'Failed' || s.runtimeStatus === 'Terminated';
    },
    timeoutMs,
  );
  const cs = caseStatusOf(status);
  if (!cs || !ok(cs))
    throw new Error(`case ${caseId} ended ${status.runtimeStatus}: ${JSON.stringify(status.output)}`);
  return cs;
}

function caseStatusOf(s: {
  runtimeStatus: string;
  output: unknown;
  customStatus: unknown;
}): CaseStatus | undefined {
  const v = (s.runtimeStatus === 'Completed' ? s.output : s.customStatus) as CaseStatus | null | undefined;
  return v && typeof v === 'object' && 'stage' in v ? v : undefined;
}

export interface DecisionInput {
  decision: 'approve' | 'reject';
  round: number;
  action?: 'lock_account' | 'refund_charges' | 'both' | 'clear';
  feedback?: string;
  analyst?: string;
}

/** Posts a decision through the real HTTP API, as an analyst would. */
export async function postDecision(
  host: OfflineHost,
  caseId: string,
  body: DecisionInput,
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${host.baseUrl}/api/cases/${encodeURIComponent(caseId)}/decision`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-functions-key': host.functionKey },
    body: JSON.stringify({ analyst: 'alice@contoso.com', ...body }),
  });
  return { status: res.status, body: await res.json().catch(() => undefined) };
}

/** Raises a decision event directly (what a racing or replayed delivery looks like to the orchestration). */
export async function raiseDecision(
  host: OfflineHost,
  caseId: string,
  d: DecisionInput & { decisionId: string },
): Promise<void> {
  await host.engine.raiseEvent(caseId, Events.analystDecision, {
    analyst: 'alice@contoso.com',
    decidedAt: '2026-03-31T11:00:00.000Z',
    ...d,
  });
}

export async function ledgerOf(host: OfflineHost, customerId: string) {
  const s = await host.engine.readEntityState(Entities.accountLedger, customerId);
  return (s.state ?? { entries: [], locked: false }) as {
    locked: boolean;
    refundedUsd: number;
    entries: Array<{ idempotencyKey: string; action: string }>;
  };
}

export async function sessionOf(host: OfflineHost, caseId: string) {
  const s = await host.engine.readEntityState(Entities.caseSession, caseId);
  return s.state as
    | {
        feedback: Array<{ text: string }>;
        entries: Array<{ round: number; author: string; messages: Array<{ content: string }> }>;
        rounds: Array<{ round: number; riskScore: number }>;
      }
    | undefined;
}

/** Entity signals are processed asynchronously: poll until the state satisfies the predicate. */
export async function eventually<T>(
  read: () => Promise<T>,
  ok: (v: T) => boolean,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline)
      throw new Error(
        `condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(v)?.slice(0, 500)}`,
      );
    await new Promise((r) => setTimeout(r, 10));
  }
}
