import type { ToolContext, ToolName } from '../tools/types';
import type { ToolSpec } from './model';

export type ToolOutcome = { ok: true; result: unknown } | { ok: false; error: string };

/** How the agent loop reaches tools: in-process (src/tools) or over MCP. */
export interface ToolRunner {
  /** Specs (name, description, JSON schema) of the named tools, in the order given. */
  specs(names: readonly ToolName[]): Promise<ToolSpec[]>;
  /** Validates and runs one call. Never throws for bad arguments or a failing tool: returns ok:false. */
  call(name: ToolName, rawArgs: unknown, ctx: ToolContext): Promise<ToolOutcome>;
  close?(): Promise<void>;
}

export function errorText(err: unknown): string {
  if (typeof err === 'string') return err;
  if (err instanceof Error) return err.message;
  try {
    return JSON.stringify(err);
  } catch {
    return String(err);
  }
}

/** The tool server cannot be reached (an outage, not a bug): the specialist reports degraded findings. */
export class ToolsUnavailableError extends Error {
  override name = 'ToolsUnavailableError';
}
