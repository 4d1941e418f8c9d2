import { z } from 'zod';
import { datasetAt, type DatasetView } from '../data/dataset.js';
import type { Customer } from '../data/schema.js';
import { ToolError } from '../errors.js';
import type { ToolContext } from '../types.js';

export const customerIdArg = z.string().min(1).max(40).describe('Customer id, e.g. "C001".');

/** The dataset as the call sees it: anchored to the context's as-of (see data/dataset.ts). */
export function viewOf(ctx: ToolContext): DatasetView {
  return datasetAt(ctx.asOf);
}

/** The customer, or a not-found ToolError that tells the agent what ids look like. */
export function requireCustomer(id: string, view: DatasetView = datasetAt()): Customer {
  const c = view.customer(id);
  if (!c) {
    const all = view.data.customers;
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
    .describe(`${what}, YYYY-MM-DD.`);

/** How far back a tool looks, in days before now (the history covers the 90 days before today). */
export const daysArg = (def: number, what = 'How many days back from now to look') =>
  z
    .number()
    .int()
    .min(1)
    .max(120)
    .default(def)
    .describe(`${what} (default ${def}; the history covers 90 days).`);

/** An ISO date or timestamp argument. */
export const instantArg = (what: string) =>
  z
    .string()
    .refine(
      (s) => parseInstantArg(s) !== null,
      'expected an ISO date or timestamp, e.g. 2026-03-01 or 2026-03-01T00:00:00Z',
    )
    .describe(what);

export function parseInstantArg(value: string): number | null {
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  return Number.isNaN(ms) ? null : ms;
}
