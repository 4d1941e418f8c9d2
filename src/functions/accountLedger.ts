import { applyAction } from '../actions/ledger';
import { accountLedger } from '../durable/entities';
import { registerEntity } from '../durable/typed';
import { AccountLedgerOps } from '../names';

/**
 * The action ledger of one account. Actions are applied here, exactly once per idempotency key;
 * the executeAction activity only delivers the already-recorded action to outside systems.
 */
registerEntity(accountLedger, {
  [AccountLedgerOps.apply]: (state, request) => applyAction(state, request),
  [AccountLedgerOps.get]: (state) => ({ result: state }),
});
