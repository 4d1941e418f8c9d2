import { z } from 'zod';
import { lockAccount, refundCharges } from './definitions/actions.js';
import { getAccountContext } from './definitions/getAccountContext.js';
import { getAccountTimeline } from './definitions/getAccountTimeline.js';
import { getApiActivity } from './definitions/getApiActivity.js';
import { getBillingSummary } from './definitions/getBillingSummary.js';
import { getCustomerDetail } from './definitions/getCustomerDetail.js';
import { getCustomerOrders } from './definitions/getCustomerOrders.js';
import { getDataUsage } from './definitions/getDataUsage.js';
import { getSecurityLogs } from './definitions/getSecurityLogs.js';
import { getSubscriptionDetail } from './definitions/getSubscriptionDetail.js';
import { getTransactions } from './definitions/getTransactions.js';
import { searchKnowledgeBase } from './definitions/searchKnowledgeBase.js';
import { datasetAt } from './data/dataset.js';
import { ToolError } from './errors.js';
import type { ToolContext, ToolDefinition } from './types.js';

export type {
  ActionKind,
  ActionPort,
  ActionRequest,
  ToolCallRecord,
  LiveSource,
  ToolContext,
  ToolDefinition,
  ToolName,
} from './types.js';
export { ToolError } from './errors.js';
export { ActionPortMissingError } from './definitions/actions.js';
export { customerById, customers, dataset, datasetAt, type DatasetView } from './data/dataset.js';
export { detectionBaseline } from './data/baseline.js';
export { accountTimeline, type TimelineItem, type TimelineType } from './timeline.js';
export { DATASET_DAYS, DATASET_END, DATASET_START } from './data/calendar.js';
export { DATASET_SEED, generateDataset } from './data/generate.js';
export { plantedPatterns, type PlantedPattern, type Signal } from './data/planted.js';
export type { Customer } from './data/schema.js';

/**
 * The tools the specialists read with: pure over the dataset (anchored to the context's as-of) and the
 * live record the context carries; safe to call any number of times.
 */
export const readTools: readonly ToolDefinition[] = [
  getCustomerDetail,
  getSubscriptionDetail,
  getDataUsage,
  getSecurityLogs,
  getBillingSummary,
  getCustomerOrders,
  getTransactions,
  getApiActivity,
  getAccountContext,
  getAccountTimeline,
  searchKnowledgeBase,
];

/** Side-effecting tools; idempotent through ToolContext.actions. */
export const actionTools: readonly ToolDefinition[] = [lockAccount, refundCharges];

export const allTools: readonly ToolDefinition[] = [...readTools, ...actionTools];

const byName = new Map(allTools.map((t) => [t.name as string, t]));

export function toolByName(name: string): ToolDefinition | undefined {
  return byName.get(name);
}

/**
 * Every read tool also takes `as_of`: the instant to read the account as of (the history ends the day
 * before; live events after it are not shown). An investigation sets it for its tools (in-process through
 * the context, over MCP as this argument), so a remote tool server answers for the case's "now", not its own.
 */
export const AS_OF_ARG = 'as_of';
const AsOfArg = z.iso.datetime({ offset: true });
const AS_OF_SCHEMA = {
  type: 'string',
  description:
    'Read the account as of this ISO timestamp (default: now). Investigations set it; leave it out otherwise.',
};
const isReadTool = (tool: ToolDefinition) => !actionTools.includes(tool);

/** JSON schema of a tool's arguments for model function calling: an object with additionalProperties false. */
export function toolJsonSchema(tool: ToolDefinition): Record<string, unknown> {
  const { $schema: _drop, ...schema } = z.toJSONSchema(tool.input, {
    io: 'input',
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  const properties = (schema['properties'] ?? {}) as Record<string, unknown>;
  return {
    ...schema,
    type: 'object',
    properties: isReadTool(tool) ? { ...properties, [AS_OF_ARG]: AS_OF_SCHEMA } : properties,
    additionalProperties: false,
  };
}

/** The shape the ChatModel port offers a tool in (name, description, JSON-schema parameters). */
export function toolSpec(tool: ToolDefinition): {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
} {
  return { name: tool.name, description: tool.description, parameters: toolJsonSchema(tool) };
}

/** The customer a tool call is about: its customer_id, or the owner of its subscription_id. */
export function customerOfArgs(args: unknown): string | undefined {
  const a = (typeof args === 'string' ? safeJson(args) : args) as Record<string, unknown> | undefined;
  if (!a || typeof a !== 'object') return undefined;
  if (typeof a['customer_id'] === 'string') return datasetAt().customer(a['customer_id'])?.id;
  if (typeof a['subscription_id'] === 'string')
    return datasetAt().subscription(a['subscription_id'])?.customerId;
  return undefined;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export type ToolResult = { ok: true; result: unknown } | { ok: false; error: string };

/**
 * Call a tool by name with raw (model-produced) arguments: a JSON string or an object. Unknown tools,
 * unparsable or invalid arguments and ToolErrors come back as `{ok: false, error}` for the model to
 * read. Other errors (a missing ActionPort, a failing ledger) propagate to the caller.
 */
export async function callTool(name: string, rawArgs: unknown, ctx: ToolContext = {}): Promise<ToolResult> {
  const tool = toolByName(name);
  if (!tool)
    return {
      ok: false,
      error: `unknown tool "${name}"; available: ${allTools.map((t) => t.name).join(', ')}`,
    };
  let args: unknown = rawArgs ?? {};
  if (typeof args === 'string') {
    try {
      args = args.trim() === '' ? {} : JSON.parse(args);
    } catch (e) {
      return { ok: false, error: `arguments of ${name} are not valid JSON: ${(e as Error).message}` };
    }
  }
  // `as_of` is the context's, not the tool's: a caller without an as-of of its own may pass one.
  if (isReadTool(tool) && args && typeof args === 'object' && AS_OF_ARG in args) {
    const { [AS_OF_ARG]: asOf, ...rest } = args as Record<string, unknown>;
    const when = AsOfArg.safeParse(asOf);
    if (!when.success)
      return { ok: false, error: `invalid arguments for ${name}: ${AS_OF_ARG}: expected an ISO timestamp` };
    args = rest;
    ctx = ctx.asOf ? ctx : { ...ctx, asOf: when.data };
  }
  const parsed = tool.input.safeParse(args);
  if (!parsed.success) {
    const issues = parsed.error.issues.map(
      (i) => `${i.path.length ? i.path.join('.') : '(arguments)'}: ${i.message}`,
    );
    return { ok: false, error: `invalid arguments for ${name}: ${issues.join('; ')}` };
  }
  try {
    return { ok: true, result: await tool.handler(parsed.data, ctx) };
  } catch (e) {
    if (e instanceof ToolError) return { ok: false, error: `${name}: ${e.message}` };
    throw e;
  }
}
