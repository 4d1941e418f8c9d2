import type { z } from 'zod';
import type { ToolContext, ToolDefinition, ToolName } from './types.js';

/**
 * Define a tool with a typed handler and return it type-erased, so tools with different inputs share
 * one array type. The erased handler re-parses its arguments, so the erasure is sound at runtime.
 */
export function defineTool<I extends z.ZodObject, O>(def: {
  name: ToolName;
  description: string;
  input: I;
  handler: (args: z.infer<I>, ctx: ToolContext) => Promise<O>;
}): ToolDefinition {
  return {
    name: def.name,
    description: def.description,
    input: def.input,
    handler: (args: unknown, ctx: ToolContext) => def.handler(def.input.parse(args), ctx),
  };
}

export function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/** a / b rounded to 2 decimals, or null when b is 0. */
export function ratio(a: number, b: number): number | null {
  return b === 0 ? null : round2(a / b);
}
