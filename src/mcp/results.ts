import { McpContentBlock, McpTextContent, McpToolResponse } from '@azure/functions';
import type { ToolOutcome } from './review-tools';

/**
 * Tool outcomes in the shapes the Functions MCP extension reads. Success: text for the model plus
 * structured content for the MCP App (McpToolResponse). Refusal: `isError: true` with the reason — which
 * McpToolResponse cannot carry (@azure/functions' serializer drops `isError`), so the whole CallToolResult
 * goes in a content block of type `call_tool_result`, which the host deserializes as the result itself
 * (Azure/azure-functions-mcp-extension, Trigger/ToolReturnValueBinder.cs; McpConstants.CallToolResult).
 */
export class CallToolResultBlock extends McpContentBlock {
  readonly type = 'call_tool_result';
  constructor(private readonly result: Record<string, unknown>) {
    super();
  }
  toJSON(): Record<string, unknown> {
    return this.result;
  }
}

export function toolResponse(outcome: ToolOutcome): McpToolResponse | CallToolResultBlock {
  if (outcome.ok)
    return new McpToolResponse({
      content: [new McpTextContent(outcome.text)],
      ...(outcome.structured ? { structuredContent: outcome.structured } : {}),
    });
  return new CallToolResultBlock({
    content: [{ type: 'text', text: outcome.text }],
    structuredContent: outcome.structured,
    isError: true,
  });
}
