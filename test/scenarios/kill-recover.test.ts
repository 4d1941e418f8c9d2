import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startChildHost, type ChildHost } from '../../scripts/demo/child-host';
import { ApiClient } from '../../scripts/demo/client';
import { startWebhookReceiver } from '../../scripts/demo/webhook';
import { APP_DIR } from '../support/app';

/**
 * The real app in a child process on a SQLite data directory, killed with SIGKILL at the worst moments
 * of a case and started again on the same directory. Whatever the moment, the case completes and the
 * account ledger holds the action once; the outside world only ever sees one idempotency key.
 */
const KEY = 'kill-test-key';
const MASTER = 'kill-test-master';

let child: ChildHost | undefined;
let dataDir: string | undefined;
afterEach(async () => {
  await child?.kill();
  child = undefined;
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function scenario(killAfterDecision: boolean) {
  const webhook = await startWebhookReceiver();
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'fraud-kill-'));
  const env = {
    LOCAL_FUNCTION_KEY: KEY,
    LOCAL_MASTER_KEY: MASTER,
    SIMULATOR_ENABLED: 'false',
    DURABLE_TASK_SCHEDULER_CONNECTION_STRING: '',
    ACTION_WEBHOOK_URL: webhook.url,
  };
  try {
    child = await startChildHost(APP_DIR, dataDir, env);
    let api = new ApiClient(child.baseUrl, KEY, MASTER);
    const caseId = await api.openCase({
      customerId: 'C013',
      description: 'Password changed and MFA disabled from abroad',
      events: [
        {
          type: 'transaction',
          customerId: 'C013',
          timestamp: '2026-03-31T10:00:00Z',
          amount: 1199,
          merchant: 'Phone Shop',
        },
      ],
    });
    const waiting = await api.waitFor(caseId, (c) => c.stage === 'awaiting_decision');

    if (!killAfterDecision) await child.kill();
    else {
      // The decision is durable once answered 202; kill before the case has had time to act on it.
      expect(
        (await api.decide(caseId, { decision: 'approve', action: 'lock_account', round: 1, analyst: 'a' }))
          .status,
      ).toBe(202);
      await child.kill();
    }

    child = await startChildHost(APP_DIR, dataDir, env);
    api = new ApiClient(child.baseUrl, KEY, MASTER);
    const recovered = await api.getCase(caseId);
    expect(recovered.deadline ?? waiting.deadline).toBe(waiting.deadline);
    if (!killAfterDecision) {
      expect(recovered.stage).toBe('awaiting_decision');
      expect(
        (await api.decide(caseId, { decision: 'approve', action: 'lock_account', round: 1, analyst: 'a' }))
          .status,
      ).toBe(202);
    }
    const done = await api.waitFor(caseId, (c) => c.stage === 'closed');
    expect(done.outcome).toBe('action_executed');

    const ledger = await api.ledger('C013');
    expect(ledger.entries.map((e) => e.idempotencyKey)).toEqual([`${caseId}:r1:lock_account:lock_account`]);
    expect(ledger.locked).toBe(true);
    // At-least-once delivery may repeat, but only ever under the one key.
    expect([...webhook.deliveries.keys()]).toEqual([`${caseId}:r1:lock_account`]);
  } finally {
    await webhook.close();
  }
}

describe('a case survives SIGKILL', () => {
  it('while it waits for the analyst: restarted, it still waits with the same deadline, then acts once', async () => {
    await scenario(false);
  }, 60_000);

  it('right after the decision was accepted: restarted, it carries out that decision exactly once', async () => {
    await scenario(true);
  }, 60_000);
});
