import { expect } from 'vitest';
import { callTool, type ToolContext } from '../../../src/tools/index.js';

/** Call a tool and return its result, failing the test with the tool's error text if it was not ok. */
// The result is JSON the test inspects field by field; a precise type per tool would add nothing.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function ok(name: string, args: unknown, ctx?: ToolContext): Promise<any> {
  const r = await callTool(name, args, ctx);
  if (!r.ok) expect.fail(`${name} failed: ${r.error}`);
  return r.result;
}

/** Call a tool that must fail and return its error text. */
export async function fails(name: string, args: unknown, ctx?: ToolContext): Promise<string> {
  const r = await callTool(name, args, ctx);
  if (r.ok) expect.fail(`${name} unexpectedly succeeded: ${JSON.stringify(r.result).slice(0, 200)}`);
  return r.error;
}

export const FULL = { start_date: '2026-01-01', end_date: '2026-03-31' } as const;
