import type { ApplyResult } from '../actions/ledger';
import { deliver } from '../actions/webhook';
import type { CaseInput, CaseStatus } from '../cases/types';
import { caseRecords } from './index';
import { advancedRecord, openedRecord, recordFromStatus, type Advance } from './record';
import type { CaseRecordStore, DeliveryAudit, LedgerAudit } from './types';

/**
 * What the case's lifecycle activities write (startCase, the specialists, notifyAnalyst, executeAction,
 * escalate, autoClear, sendNotification): no extra durable work items, and every write idempotent and
 * monotonic, since activities run at least once and, after a crash, out of their original order.
 */

/** The case is being started: it is listed from now on. A record that exists already is left alone. */
export async function recordOpened(input: CaseInput, at: string, store = caseRecords()): Promise<void> {
  if (!(await store.getCase(input.caseId))) await store.putCase(openedRecord(input, at));
}

/** A status the orchestration published; a closed one is its output (the instance completes next). */
export async function recordStatus(
  status: CaseStatus,
  runtimeStatus = status.stage === 'closed' ? 'Completed' : 'Running',
  store = caseRecords(),
): Promise<void> {
  await store.putCase(recordFromStatus(status, runtimeStatus));
}

/**
 * A round started or an approved action is executing. A hint between snapshots: a failure to write it is
 * logged, never failed (the case must not escalate because its index lagged); the next snapshot repairs it.
 */
export async function recordAdvance(
  a: Advance,
  log: (msg: string) => void,
  store = caseRecords(),
): Promise<void> {
  try {
    await store.putCase(advancedRecord(await store.getCase(a.caseId), a));
  } catch (err) {
    log(`case record of ${a.caseId} not advanced: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export async function recordLedger(
  caseId: string,
  customerId: string,
  results: readonly ApplyResult[],
  store = caseRecords(),
): Promise<void> {
  const entries = results.map(({ entry }): LedgerAudit => ({
    caseId,
    customerId,
    idempotencyKey: entry.idempotencyKey,
    action: entry.action,
    ...(entry.round !== undefined ? { round: entry.round } : {}),
    ...(entry.analyst !== undefined ? { analyst: entry.analyst } : {}),
    ...(entry.amount !== undefined ? { amount: entry.amount } : {}),
    at: entry.at,
    sequence: entry.sequence,
  }));
  await store.putLedger(entries);
}

export interface RecordedDelivery {
  caseId: string;
  kind: string;
  idempotencyKey: string;
  url: string | undefined;
  payload: unknown;
}

/**
 * Delivers a case's message when a webhook is configured, and records the attempt either way (a message
 * with no receiver is recorded as `not_configured`, so an auditor sees nothing was sent). A failed
 * delivery is recorded, then thrown for the activity's retry policy.
 */
export async function deliverRecorded(
  d: RecordedDelivery,
  store: CaseRecordStore = caseRecords(),
): Promise<{ delivered: boolean }> {
  const at = new Date().toISOString();
  const base = { caseId: d.caseId, idempotencyKey: d.idempotencyKey, kind: d.kind, attempts: 1 };
  const audit = (x: Partial<DeliveryAudit> & Pick<DeliveryAudit, 'state'>): DeliveryAudit => ({
    ...base,
    firstAttemptAt: at,
    lastAttemptAt: new Date().toISOString(),
    ...x,
  });
  if (!d.url) {
    await store.putDelivery(audit({ state: 'not_configured', attempts: 0 }));
    return { delivered: false };
  }
  const target = new URL(d.url).host;
  try {
    const httpStatus = await deliver({ url: d.url, idempotencyKey: d.idempotencyKey, payload: d.payload });
    await store.putDelivery(audit({ state: 'delivered', target, httpStatus }));
    return { delivered: true };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const httpStatus = /answered (\d{3})/.exec(message)?.[1];
    await store.putDelivery(
      audit({
        state: 'failed',
        target,
        error: message.slice(0, 500),
        ...(httpStatus ? { httpStatus: Number(httpStatus) } : {}),
      }),
    );
    throw err;
  }
}
