import { describe, expect, it } from 'vitest';
import {
  ActionPortMissingError,
  callTool,
  type ActionPort,
  type ActionRequest,
} from '../../../src/tools/index.js';
import { fails, ok } from './support.js';

/** An in-memory ledger with the real contract: a key seen before returns the first entry and changes nothing. */
function fakeLedger(): ActionPort & { effects: ActionRequest[] } {
  const seen = new Map<string, ActionRequest>();
  const effects: ActionRequest[] = [];
  return {
    effects,
    async apply(req) {
      const first = seen.get(req.idempotencyKey);
      if (first) return { applied: false, entry: first };
      seen.set(req.idempotencyKey, req);
      effects.push(req);
      return { applied: true, entry: req };
    },
  };
}

const lock = {
  customer_id: 'C042',
  reason: 'takeover from VN, MFA disabled',
  idempotency_key: 'case-C042-1:1:lock_account',
};

describe('lock_account', () => {
  it('applies once for the same idempotency key, however often it is called', async () => {
    const ledger = fakeLedger();
    const first = await ok('lock_account', lock, { actions: ledger, caseId: 'case-C042-1' });
    const second = await ok('lock_account', lock, { actions: ledger, caseId: 'case-C042-1' });
    expect(first).toMatchObject({ action: 'lock_account', customerId: 'C042', applied: true });
    expect(second).toMatchObject({ applied: false, message: expect.stringContaining('nothing changed') });
    expect(ledger.effects).toEqual([
      {
        customerId: 'C042',
        action: 'lock_account',
        idempotencyKey: lock.idempotency_key,
        reason: lock.reason,
        caseId: 'case-C042-1',
      },
    ]);
  });

  it('applies again for a different key', async () => {
    const ledger = fakeLedger();
    await ok('lock_account', lock, { actions: ledger });
    await ok('lock_account', { ...lock, idempotency_key: 'case-C042-1:2:lock_account' }, { actions: ledger });
    expect(ledger.effects).toHaveLength(2);
  });

  it('throws a clear wiring error without an ActionPort (never a silent no-op)', async () => {
    await expect(callTool('lock_account', lock, {})).rejects.toThrow(ActionPortMissingError);
    await expect(callTool('lock_account', lock, {})).rejects.toThrow(/needs an ActionPort/);
  });

  it('refuses an unknown customer or a missing key before touching the port', async () => {
    const ledger = fakeLedger();
    expect(await fails('lock_account', { ...lock, customer_id: 'C999' }, { actions: ledger })).toMatch(
      /not found/,
    );
    expect(
      await fails('lock_account', { customer_id: 'C042', reason: 'x'.repeat(10) }, { actions: ledger }),
    ).toMatch(/idempotency_key/);
    expect(ledger.effects).toEqual([]);
  });
});

describe('refund_charges', () => {
  const refund = {
    customer_id: 'C022',
    reason: 'unauthorised premium SMS',
    idempotency_key: 'case-C022-1:1:refund_charges',
  };

  it('defaults the amount to the open disputes and applies once per key', async () => {
    const ledger = fakeLedger();
    const billing = await ok('get_billing_summary', { customer_id: 'C022' });
    const first = await ok('refund_charges', refund, { actions: ledger });
    await ok('refund_charges', refund, { actions: ledger });
    expect(first).toMatchObject({ applied: true, amountUsd: billing.openDisputedUsd });
    expect(ledger.effects).toHaveLength(1);
    expect(ledger.effects[0]?.amount).toBe(billing.openDisputedUsd);
  });

  it('takes an explicit amount', async () => {
    const ledger = fakeLedger();
    expect(await ok('refund_charges', { ...refund, amount: 44.97 }, { actions: ledger })).toMatchObject({
      amountUsd: 44.97,
    });
  });

  it('refuses amounts above everything billed, and a default refund when nothing is disputed', async () => {
    const ledger = fakeLedger();
    expect(await fails('refund_charges', { ...refund, amount: 1_000_000 }, { actions: ledger })).toMatch(
      /exceeds everything billed to C022/,
    );
    expect(await fails('refund_charges', { ...refund, customer_id: 'C001' }, { actions: ledger })).toMatch(
      /no open disputed charges/,
    );
    expect(await fails('refund_charges', { ...refund, amount: -5 }, { actions: ledger })).toMatch(/amount/);
    expect(ledger.effects).toEqual([]);
  });
});
