import type { z } from 'zod';
import type { LiveEvent } from '../live/record.js';

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
  /** Where action tools (lock_account, refund_charges) send their commands; read tools ignore it. */
  actions?: ActionPort;
  /**
   * "Now" for the read tools (ISO): the shipped history ends the day before, windows end here, and live
   * events after it are not shown. An investigation passes its orchestration's time (deterministic);
   * the MCP edge passes the wall clock. Absent: the dataset's fixed calendar and no live events.
   */
  asOf?: string;
  /** The live account record of one customer (its accountActivity entity), merged into that customer's tools. */
  live?: LiveSource;
}

/** A customer's live events as read from the live account record. */
export interface LiveSource {
  customerId: string;
  /** Ascending by time. */
  events: readonly LiveEvent[];
  /** Events the record no longer holds (retention and caps), per type: the timeline says so. */
  dropped?: Readonly<Record<string, number>>;
}

export type ActionKind = 'lock_account' | 'refund_charges';

/** A side effect on one account. The port applies a given idempotencyKey at most once. */
export interface ActionRequest {
  customerId: string;
  action: ActionKind;
  idempotencyKey: string;
  reason: string;
  /** USD, refund_charges only. */
  amount?: number;
  /** The case the action serves, when the tool was called for one (copied from ToolContext). */
  caseId?: string;
}

/** What the action tools delegate to (in the app: the accountLedger entity). */
export interface ActionPort {
  /** `applied: false` means the key was seen before and `entry` is the first application's record. */
  apply(req: ActionRequest): Promise<{ applied: boolean; entry: unknown }>;
}

export type ToolName =
  | 'get_customer_detail'
  | 'get_subscription_detail'
  | 'get_data_usage'
  | 'get_security_logs'
  | 'get_billing_summary'
  | 'get_customer_orders'
  | 'search_knowledge_base'
  | 'get_transactions'
  | 'get_api_activity'
  | 'get_account_context'
  | 'get_account_timeline'
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
