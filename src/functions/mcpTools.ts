import { app, McpTextContent, McpToolResponse, type InvocationContext } from '@azure/functions';
import { callTool, readTools } from '../tools/index.js';
import { mcpToolProperties } from '../tools/mcpProperties.js';

/**
 * The read tools, exposed to outside agents over the Functions MCP extension. Same definitions,
 * validation and results as in-process calls. Action tools are deliberately not exposed here: they go
 * through the account ledger with analyst approval.
 */

/** The tool arguments of one MCP invocation: the trigger input's `arguments`, or the host's trigger metadata. */
export function mcpArguments(input: unknown, context: Pick<InvocationContext, 'triggerMetadata'>): unknown {
  const value = typeof input === 'string' ? safeJson(input) : input;
  if (value && typeof value === 'object' && 'arguments' in value)
    return (value as { arguments: unknown }).arguments;
  return context.triggerMetadata?.['mcptoolargs'] ?? {};
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function mcpToolHandler(toolName: string) {
  return async (input: unknown, context: InvocationContext): Promise<McpToolResponse> => {
    const outcome = await callTool(toolName, mcpArguments(input, context));
    const text = outcome.ok ? JSON.stringify(outcome.result) : outcome.error;
    return new McpToolResponse({ content: [new McpTextContent(text)], isError: !outcome.ok });
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
