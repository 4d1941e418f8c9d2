import { app, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { accountActivity } from '../durable/entities.js';
import { readEntity } from '../durable/typed.js';
import { toolResponse } from '../mcp/results';
import { toolCall } from '../mcp/trigger';
import {
  AS_OF_ARG,
  callTool,
  customerOfArgs,
  readTools,
  type LiveSource,
  type ToolContext,
} from '../tools/index.js';
import { mcpToolProperties } from '../tools/mcpProperties.js';

/**
 * The read tools, exposed to outside agents over the Functions MCP extension. Same definitions,
 * validation and results as in-process calls. Action tools are deliberately not exposed here: they go
 * through the account ledger with analyst approval (decide_case, src/functions/mcpCaseReview.ts).
 */

/** Reads a customer's live account record for a tool call (the app reads it through its durable client). */
export type LiveReader = (customerId: string, context: InvocationContext) => Promise<LiveSource | undefined>;

/**
 * The same merged timeline as the investigations see: the customer's live record is read here and the
 * history is anchored to now (the wall clock at this edge), unless the caller passes `as_of`.
 */
export function mcpToolHandler(toolName: string, readLive?: LiveReader) {
  return async (input: unknown, context: InvocationContext) => {
    const { args } = toolCall(input, context.triggerMetadata);
    const customerId = customerOfArgs(args);
    const live = readLive && customerId ? await readLive(customerId, context) : undefined;
    const hasAsOf = !!args && typeof args === 'object' && AS_OF_ARG in args;
    const ctx: ToolContext = {
      ...(hasAsOf ? {} : { asOf: new Date().toISOString() }),
      ...(live ? { live } : {}),
    };
    const outcome = await callTool(toolName, args, ctx);
    return toolResponse(
      outcome.ok
        ? { ok: true, text: JSON.stringify(outcome.result) }
        : { ok: false, text: outcome.error, structured: { error: outcome.error, status: 400 } },
    );
  };
}

const readLiveRecord: LiveReader = async (customerId, context) => {
  const record = await readEntity(df.getClient(context), accountActivity, customerId);
  return record && { customerId: record.customerId, events: record.events };
};

for (const tool of readTools) {
  app.mcpTool(`mcp_${tool.name}`, {
    toolName: tool.name,
    description: tool.description,
    toolProperties: mcpToolProperties(tool),
    extraInputs: [df.input.durableClient()],
    handler: mcpToolHandler(tool.name, readLiveRecord),
  });
}
