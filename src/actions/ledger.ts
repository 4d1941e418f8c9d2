import { z } from 'zod';

/**
 * The action ledger of one account (state of the `accountLedger` entity, key = customer id).
 * Every side effect on an account goes through `apply` with an idempotency key; a key seen before
 * returns the first entry and changes nothing, so a retried or replayed action never acts twice.
 */
export const LedgerAction = z.enum(['lock_account', 'refund_charges']);
export type LedgerAction = z.infer<typeof LedgerAction>;

export const ApplyRequest = z.object({
  idempotencyKey: z.string().min(1).max(300),
  action: LedgerAction,
  reason: z.string().max(2000),
  caseId: z.string().optional(),
  round: z.number().int().positive().optional(),
  analyst: z.string().optional(),
  amount: z.number().nonnegative().optional(),
  at: z.string(),
});
export type ApplyRequest = z.infer<typeof ApplyRequest>;

export const LedgerEntry = ApplyRequest.extend({ sequence: z.number().int().positive() });
export type LedgerEntry = z.infer<typeof LedgerEntry>;

export const LedgerState = z.object({
  schemaVersion: z.literal(1),
  locked: z.boolean(),
  refundedUsd: z.number(),
  entries: z.array(LedgerEntry),
});
export type LedgerState = z.infer<typeof LedgerState>;

export const ApplyResult = z.object({ applied: z.boolean(), entry: LedgerEntry });
export type ApplyResult = z.infer<typeof ApplyResult>;

export function emptyLedger(): LedgerState {
  return { schemaVersion: 1, locked: false, refundedUsd: 0, entries: [] };
}

export function applyAction(
  state: LedgerState,
  request: ApplyRequest,
): { state: LedgerState; result: ApplyResult } {
  const seen = state.entries.find((e) => e.idempotencyKey === request.idempotencyKey);
  if (seen) return { state, result: { applied: false, entry: seen } };
  const entry: LedgerEntry = { ...request, sequence: state.entries.length + 1 };
  return {
    state: {
      ...state,
      locked: state.locked || request.action === 'lock_account',
      refundedUsd: state.refundedUsd + (request.action === 'refund_charges' ? (request.amount ?? 0) : 0),
      entries: [...state.entries, entry],
    },
    result: { applied: true, entry },
  };
}

/** The ledger actions an approved case action stands for ('both' = lock then refund; 'clear' = none). */
export function ledgerActionsFor(
  action: 'lock_account' | 'refund_charges' | 'both' | 'clear',
): LedgerAction[] {
  if (action === 'both') return ['lock_account', 'refund_charges'];
  if (action === 'clear') return [];
  return [action];
}
