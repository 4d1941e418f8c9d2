import { z } from 'zod';
import { ActionName } from '../investigation/types';

/** The body an analyst POSTs to /api/cases/{caseId}/decision. */
export const DecisionRequest = z
  .strictObject({
    decision: z.enum(['approve', 'reject']),
    action: ActionName.optional(),
    feedback: z.string().trim().min(1).max(4000).optional(),
    round: z.number().int().positive().max(100),
    analyst: z.string().trim().min(1).max(200).optional(),
  })
  .superRefine((d, ctx) => {
    if (d.decision === 'approve' && !d.action)
      ctx.addIssue({
        code: 'custom',
        path: ['action'],
        message: 'approve needs an action: lock_account, refund_charges, both or clear',
      });
    if (d.decision === 'reject' && !d.feedback)
      ctx.addIssue({
        code: 'custom',
        path: ['feedback'],
        message: 'reject needs feedback for the re-investigation',
      });
    if (d.decision === 'reject' && d.action)
      ctx.addIssue({ code: 'custom', path: ['action'], message: 'reject takes no action' });
  });
export type DecisionRequest = z.infer<typeof DecisionRequest>;

/** The external event raised on the case orchestration (name: Events.analystDecision). */
export const AnalystDecision = z.object({
  decisionId: z.string().min(1),
  decision: z.enum(['approve', 'reject']),
  action: ActionName.optional(),
  feedback: z.string().optional(),
  round: z.number().int().positive(),
  analyst: z.string(),
  decidedAt: z.iso.datetime({ offset: true }),
});
export type AnalystDecision = z.infer<typeof AnalystDecision>;

export const Stage = z.enum(['investigating', 'awaiting_decision', 'executing', 'closed']);
export type Stage = z.infer<typeof Stage>;

export const Outcome = z.enum([
  'auto_cleared',
  'cleared_by_analyst',
  'action_executed',
  'escalated_timeout',
  'escalated_max_rounds',
  'escalated_failure',
]);
export type Outcome = z.infer<typeof Outcome>;

/** How the human-in-the-loop race ended for one round. */
export type ReviewOutcome =
  | { kind: 'approved'; decision: AnalystDecision }
  | { kind: 'rejected'; decision: AnalystDecision }
  | { kind: 'timedOut'; deadline: string };
