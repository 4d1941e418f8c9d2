import { analystIdentity, type AnalystIdentity } from '../api/principal';

/**
 * Who decides over MCP. The extension passes every HTTP request header of the MCP request to the function
 * (transport.properties.headers). Behind App Service Authentication (Easy Auth, the built-in MCP server
 * authorization) those carry the signed-in principal (`x-ms-client-principal`, `-name`), which Easy Auth
 * sets itself and strips from client requests: that is the analyst. With only the extension key the
 * caller is any holder of a shared key, so the `analyst` argument is recorded as a claim, marked
 * unverified in the audit record — never as an identity on its own.
 */
export function mcpAnalyst(headers: Record<string, string>, claimed: string | undefined): AnalystIdentity {
  const principal = analystIdentity({ get: (name) => headers[name.toLowerCase()] ?? null });
  if (principal.source === 'easy-auth') return principal;
  const named = analystIdentity({ get: () => null }, claimed);
  const who = named.source === 'body' ? named.analyst : 'unnamed analyst';
  return { analyst: `${who} (unverified: MCP key)`, source: 'mcp-key' };
}
