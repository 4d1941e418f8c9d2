import { CASE_REVIEW_APP_URI } from './names';

/**
 * MCP Apps metadata (SEP-1865) for the case-review view; src/mcp/ui/spec-check.ts checks these against
 * @modelcontextprotocol/ext-apps' McpUiToolMeta / McpUiResourceMeta types (the package's types resolve
 * only under bundler resolution, which the UI build uses).
 */

/** On each tool: render this tool's results in the view. The flat key is what older hosts read. */
export function toolUiMeta() {
  return { ui: { resourceUri: CASE_REVIEW_APP_URI }, 'ui/resourceUri': CASE_REVIEW_APP_URI };
}

/** On the resource: a border, and no network at all (tools go through the host's MCP connection). */
export function resourceUiMeta() {
  return {
    ui: { prefersBorder: true, csp: { connectDomains: [] as string[], resourceDomains: [] as string[] } },
  };
}
