import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The case-review MCP App (the MCP Apps extension, SEP-1865, built with @modelcontextprotocol/ext-apps):
 * one self-contained HTML file, its script bundled in at build time (src/mcp/ui/build.mjs → dist), served
 * as an `app.mcpResource` and linked from the tools' `_meta.ui.resourceUri` (src/mcp/app-meta.ts).
 */
export const APP_HTML_FILE = path.join(__dirname, 'ui', 'case-review.html');

let cached: string | undefined;
export function appHtml(): string {
  cached ??= readAppHtml();
  return cached;
}

function readAppHtml(): string {
  try {
    return readFileSync(APP_HTML_FILE, 'utf8');
  } catch (err) {
    throw new Error(`The MCP App is not built (${APP_HTML_FILE}): run npm run build.`, { cause: err });
  }
}
