import type { z } from 'zod';

/** A tool the agents (in-process) and outside agents (over MCP) can call. One definition each. */
export interface ToolDefinition<I extends z.ZodType = z.ZodType, O = unknown> {
  name: ToolName;
  description: string;
  /** zod schema of the arguments; the JSON schema for model tool-calling is derived from it. */
  input: I;
  /** Pure read over the Contoso dataset (or, for action tools, an idempotent command). */
  handler: (args: z.infer<I>, ctx: ToolContext) => Promise<O>;
}

export interface ToolContext {
  /** The case this call serves, for audit and idempotency keys. */
  caseId?: string;
}

export type ToolName =
  | 'get_customer_detail'
  | 'get_subscription_detail'
  | 'get_data_usage'
  | 'get_security_logs'
  | 'get_billing_summary'
  | 'get_customer_orders'
  | 'search_knowledge_base'
  | 'lock_account'
  | 'refund_charges';

/** What one tool invocation looked like, as recorded in findings and the case session. */
export interface ToolCallRecord {
  name: ToolName;
  args: unknown;
  ok: boolean;
  /** Short summary of the result (never the whole payload: state limits are 1 MB). */
  resultSummary: string;
  durationMs: number;
}
