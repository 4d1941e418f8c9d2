import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * host.json `extensions.mcp`, as Configuration/McpOptions.cs binds it (keys ignore case), plus
 * `system.webhookAuthorizationLevel` (documented in functions-bindings-mcp: "System" (default) or
 * "Anonymous"). `encryptClientState` is read but has no effect offline: under Core Tools the extension
 * keeps client state plain (ClientStateManager.cs checks FUNCTIONS_CORETOOLS_ENVIRONMENT), as here.
 */
export interface McpOptions {
  serverName: string;
  serverVersion: string;
  instructions?: string;
  useAbsoluteUriForEndpoint: boolean;
  webhookAuthorizationLevel: 'System' | 'Anonymous';
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
function get(o: Obj, key: string): unknown {
  const lower = key.toLowerCase();
  return Object.entries(o).find(([k]) => k.toLowerCase() === lower)?.[1];
}

export function readMcpOptions(appDir: string): McpOptions {
  const file = path.join(appDir, 'host.json');
  let root: Obj = {};
  if (existsSync(file)) {
    // host.json accepts comments; strip them outside strings (as app-settings.ts does).
    const text = readFileSync(file, 'utf8').replace(
      /("(?:\\.|[^"\\])*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g,
      (_m, s: string | undefined) => s ?? '',
    );
    root = obj(JSON.parse(text));
  }
  const mcp = obj(get(obj(get(root, 'extensions')), 'mcp'));
  const level = get(obj(get(mcp, 'system')), 'webhookAuthorizationLevel');
  if (level !== undefined && !/^(system|anonymous)$/i.test(String(level)))
    throw new Error(
      `host.json extensions.mcp.system.webhookAuthorizationLevel must be "System" or "Anonymous", got ${JSON.stringify(level)}.`,
    );
  const instructions = get(mcp, 'instructions');
  return {
    serverName: String(get(mcp, 'serverName') ?? 'Azure Functions MCP server'),
    serverVersion: String(get(mcp, 'serverVersion') ?? '1.0.0'),
    ...(typeof instructions === 'string' ? { instructions } : {}),
    useAbsoluteUriForEndpoint: get(obj(get(mcp, 'messageOptions')), 'useAbsoluteUriForEndpoint') === true,
    webhookAuthorizationLevel: /^anonymous$/i.test(String(level ?? '')) ? 'Anonymous' : 'System',
  };
}
