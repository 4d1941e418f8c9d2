/**
 * The case-review MCP surface, named once: tool names (what MCP clients and the MCP App call), the MCP
 * App's `ui://` resource, and the function names they are registered under. Shared by the registrations
 * (src/functions/mcpCaseReview.ts) and the MCP App (src/mcp/ui), which calls the tools by these names.
 */
export const ReviewTools = {
  listCases: 'list_cases',
  getCase: 'get_case',
  decideCase: 'decide_case',
} as const;
export type ReviewToolName = (typeof ReviewTools)[keyof typeof ReviewTools];

/** The MCP App: one view for a case list and a case (MCP Apps: `ui://` URI, `text/html;profile=mcp-app`). */
export const CASE_REVIEW_APP_URI = 'ui://fraud-review/case-review.html';
export const MCP_APP_MIME_TYPE = 'text/html;profile=mcp-app';

export const ReviewFunctions = {
  listCases: 'mcpListCases',
  getCase: 'mcpGetCase',
  decideCase: 'mcpDecideCase',
  app: 'mcpCaseReviewApp',
} as const;
