import { z } from 'zod';
import { Alert, RuleName, Severity, TelemetryEvent } from '../detection/schema';
import { badRequest, zodFieldErrors } from './errors';
import { manualAlertId } from './ids';

/** The body of POST /api/cases: an analyst raises an alert by hand. */
export const ManualCaseRequest = z
  .strictObject({
    customerId: Alert.shape.customerId,
    description: z.string().trim().min(1).max(2000),
    severity: Severity.default('high'),
    rule: RuleName.default('manual'),
    events: z.array(TelemetryEvent).max(50).default([]),
    /** Client-chosen id that makes a retry of the same request idempotent and distinguishes deliberate repeats. */
    requestId: z
      .string()
      .regex(/^[A-Za-z0-9_.:-]{1,100}$/, 'letters, digits, _ . : or -, 1 to 100 characters')
      .optional(),
    analyst: z.string().trim().min(1).max(200).optional(),
  })
  .superRefine((req, ctx) => {
    req.events.forEach((e, i) => {
      if (e.customerId !== req.customerId)
        ctx.addIssue({
          code: 'custom',
          path: ['events', i, 'customerId'],
          message: `must be the case's customerId '${req.customerId}'`,
        });
    });
  });
export type ManualCaseRequest = z.infer<typeof ManualCaseRequest>;

export function parseManualCaseRequest(body: unknown): ManualCaseRequest {
  const parsed = ManualCaseRequest.safeParse(body);
  if (!parsed.success) {
    const details = zodFieldErrors(parsed.error);
    throw badRequest(
      `invalid case request: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`,
      details,
    );
  }
  return parsed.data;
}

/** The alert a manual case opens with. Its id (and so the case id) depends only on the request content. */
export function manualAlert(req: ManualCaseRequest, detectedAt: string): Alert {
  const alertId = manualAlertId({
    customerId: req.customerId,
    description: req.description,
    severity: req.severity,
    rule: req.rule,
    events: req.events,
    requestId: req.requestId ?? null,
  });
  return {
    alertId,
    customerId: req.customerId,
    rule: req.rule,
    severity: req.severity,
    description: req.description,
    detectedAt,
    events: req.events,
  };
}
