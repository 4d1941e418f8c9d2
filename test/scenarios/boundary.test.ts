import { afterEach, describe, expect, it } from 'vitest';
import type { OfflineHost } from '../../scripts/offline-host/index';
import { AccountLedgerOps, Activities, Entities } from '../../src/names';
import { ledgerOf, startApp, transactionAlert } from '../support/app';

/**
 * The typed durable boundary on the real app: every activity and entity operation checks its input
 * against its contract before running, and a bad input fails naming the field, changing nothing.
 */
let host: OfflineHost | undefined;
afterEach(async () => {
  await host?.stop();
  host = undefined;
});

describe('the durable boundary', () => {
  it('fails an activity called with an input that breaks its contract, naming the field', async () => {
    host = await startApp();
    const input = { caseId: 'case-x', customerId: 'C001', round: 0, action: 'delete_everything' };
    const failure = await host.invoker.invokeActivity(Activities.executeAction, input, 'boundary-test').then(
      () => undefined,
      (err: unknown) => (err instanceof Error ? err.message : String(err)),
    );
    expect(failure).toMatch(/activity executeAction input/);
    expect(failure).toMatch(/round/);
    expect(failure).toMatch(/action/);
    expect(failure).toMatch(/idempotencyKey/);
  });

  it('runs an activity whose input keeps its contract', async () => {
    host = await startApp();
    const alert = transactionAlert('C001');
    const out = await host.invoker.invokeActivity(
      Activities.investigateSpecialist,
      {
        caseId: 'case-ok',
        round: 1,
        specialist: 'billing',
        alert,
        priorRounds: [],
        feedback: [],
        newEvidence: [],
      },
      'boundary-test',
    );
    expect(out).toMatchObject({ findings: { specialist: 'billing' } });
  });

  it('refuses an entity operation with a bad input and leaves the state unchanged', async () => {
    host = await startApp();
    await host.engine.signalEntity(Entities.accountLedger, 'C001', AccountLedgerOps.apply, {
      idempotencyKey: 'k1',
      action: 'lock_account',
      reason: 'test',
      at: '2026-03-31T10:00:00.000Z',
    });
    await host.engine.signalEntity(Entities.accountLedger, 'C001', AccountLedgerOps.apply, {
      idempotencyKey: 'k2',
      action: 'wipe_account',
      reason: 'test',
      at: '2026-03-31T10:00:00.000Z',
    });
    await host.engine.signalEntity(Entities.accountLedger, 'C001', 'noSuchOperation', {});
    await host.engine.idle();
    const ledger = await ledgerOf(host, 'C001');
    expect(ledger.entries.map((e) => e.idempotencyKey)).toEqual(['k1']);
  });
});
