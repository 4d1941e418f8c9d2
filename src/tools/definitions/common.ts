import { z } from 'zod';
import { customerById, customers } from '../data/dataset.js';
import type { Customer } from '../data/schema.js';
import { ToolError } from '../errors.js';

export const customerIdArg = z.string().min(1).max(40).describe('Customer id, e.g. "C001".');

/** The customer, or a not-found ToolError that tells the agent what ids look like. */
export function requireCustomer(id: string): Customer {
  const c = customerById(id);
  if (!c) {
    const all = customers();
    throw new ToolError(
      `customer "${id}" not found; customer ids run ${all[0]?.id ?? ''}..${all[all.length - 1]?.id ?? ''}`,
      'not_found',
    );
  }
  return c;
}

/** A calendar date argument. The pattern is short on purpose: it is sent to the model in every schema. */
export const dateArg = (what: string) =>
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD')
    .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)), 'not a real calendar date')
    .describe(`${what}, YYYY-MM-DD (the dataset covers 2026-01-01..2026-03-31).`);
