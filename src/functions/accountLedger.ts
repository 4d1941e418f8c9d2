import * as df from 'durable-functions';
import type { EntityContext } from 'durable-functions';
import { applyAction, ApplyRequest, emptyLedger, type LedgerState } from '../actions/ledger';
import { AccountLedgerOps, Entities } from '../names';

/**
 * The action ledger of one account. Actions are applied here, exactly once per idempotency key;
 * the executeAction activity only delivers the already-recorded action to outside systems.
 */
export function accountLedgerEntity(context: EntityContext<LedgerState>): void {
  const state = context.df.getState(emptyLedger) ?? emptyLedger();
  switch (context.df.operationName) {
    case AccountLedgerOps.apply: {
      const request = ApplyRequest.safeParse(context.df.getInput());
      if (!request.success) {
        context.df.return({
          applied: false,
          error: request.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
        });
        return;
      }
      const { state: next, result } = applyAction(state, request.data);
      context.df.setState(next);
      context.df.return(result);
      return;
    }
    case AccountLedgerOps.get:
      context.df.return(state);
      return;
    default:
      return;
  }
}

df.app.entity(Entities.accountLedger, accountLedgerEntity);
