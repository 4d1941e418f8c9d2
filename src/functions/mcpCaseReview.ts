import { app, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { appHtml } from '../mcp/app';
import { resourceUiMeta, toolUiMeta } from '../mcp/app-meta';
import { CASE_REVIEW_APP_URI, MCP_APP_MIME_TYPE, ReviewFunctions } from '../mcp/names';
import { toolResponse } from '../mcp/results';
import {
  decideCaseTool,
  getCaseTool,
  listCasesTool,
  reviewToolDefinitions,
  type ReviewToolDefinition,
  type ToolOutcome,
} from '../mcp/review-tools';
import { toolCall, type ToolCall } from '../mcp/trigger';

/**
 * Case review from any MCP client (list, read, decide), served by the Functions MCP extension at
 * /runtime/webhooks/mcp, and the MCP App that renders a case and its decision form in the client.
 */
function registerReviewTool(
  functionName: string,
  def: ReviewToolDefinition,
  run: (client: df.DurableClient, call: ToolCall) => Promise<ToolOutcome>,
): void {
  app.mcpTool(functionName, {
    toolName: def.name,
    description: def.description,
    toolProperties: def.properties,
    metadata: JSON.stringify(toolUiMeta()),
    extraInputs: [df.input.durableClient()],
    handler: async (input: unknown, context: InvocationContext) =>
      toolResponse(await run(df.getClient(context), toolCall(input, context.triggerMetadata))),
  });
}

registerReviewTool(ReviewFunctions.listCases, reviewToolDefinitions.listCases, listCasesTool);
registerReviewTool(ReviewFunctions.getCase, reviewToolDefinitions.getCase, getCaseTool);
registerReviewTool(ReviewFunctions.decideCase, reviewToolDefinitions.decideCase, decideCaseTool);

app.mcpResource(ReviewFunctions.app, {
  uri: CASE_REVIEW_APP_URI,
  resourceName: 'Fraud case review',
  title: 'Fraud case review',
  description: "A case's risk, findings, evidence and deadline, with approve and reject.",
  mimeType: MCP_APP_MIME_TYPE,
  metadata: JSON.stringify(resourceUiMeta()),
  handler: () => appHtml(),
});
