import { app, type InvocationContext } from '@azure/functions';
import { toolResponse } from '../mcp/results';
import { toolCall } from '../mcp/trigger';
import { callTool, readTools } from '../tools/index.js';
import { mcpToolProperties } from '../tools/mcpProperties.js';

/**
 * The read tools, exposed to outside agents over the Functions MCP extension. Same definitions,
 * validation and results as in-process calls. Action tools are deliberately not exposed here: they go
 * through the account ledger with analyst approval (decide_case, src/functions/mcpCaseReview.ts).
 */
export function mcpToolHandler(toolName: string) {
  return async (input: unknown, context: InvocationContext) => {
    const outcome = await callTool(toolName, toolCall(input, context.triggerMetadata).args);
    return toolResponse(
      outcome.ok
        ? { ok: true, text: JSON.stringify(outcome.result) }
        : { ok: false, text: outcome.error, structured: { error: outcome.error, status: 400 } },
    );
  };
}

for (const tool of readTools) {
  app.mcpTool(`mcp_${tool.name}`, {
    toolName: tool.name,
    description: tool.description,
    toolProperties: mcpToolProperties(tool),
    handler: mcpToolHandler(tool.name),
  });
}
