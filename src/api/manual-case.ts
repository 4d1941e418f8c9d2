import { z } from 'zod';
import type { CaseInput, CaseSettings } from '../cases/types';
import { caseIdFor } from '../cases/types';
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

/** The alert and the investigateCase input for a manual case. The ids depend only on the request content. */
export function manualCaseInput(
  req: ManualCaseRequest,
  settings: CaseSettings,
  analyst: string,
  detectedAt: string,
): CaseInput {
  const alertId = manualAlertId({
    customerId: req.customerId,
    description: req.description,
    severity: req.severity,
    rule: req.rule,
    events: req.events,
    requestId: req.requestId ?? null,
  });
  const alert: Alert = {
    alertId,
    customerId: req.customerId,
    rule: req.rule,
    severity: req.severity,
    description: req.description,
    detectedAt,
    events: req.events,
  };
  return {
    schemaVersion: 1,
    caseId: caseIdFor(alertId),
    customerId: req.customerId,
    alert,
    settings,
    openedBy: 'manual',
    openedByAnalyst: analyst,
  };
}
