/**
 * What an MCP tool function receives from the Functions MCP extension: the trigger value is the
 * ToolInvocationContext JSON `{name, arguments, sessionid, clientinfo, transport: {name, sessionId,
 * properties: {headers}}}` (Azure/azure-functions-mcp-extension, Trigger/McpToolTriggerBinding.cs and
 * McpTriggerTransportHelper.cs); `triggerMetadata.mcptoolargs` repeats the arguments as strings.
 */
export interface ToolCall {
  /** The arguments as the client sent them (JSON types kept). */
  args: Record<string, unknown>;
  /** The HTTP request headers of the MCP request, names lower-cased. */
  headers: Record<string, string>;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

function parse(input: unknown): unknown {
  if (typeof input !== 'string') return input;
  try {
    return JSON.parse(input) as unknown;
  } catch {
    return undefined;
  }
}

/** The call's arguments and request headers, from the trigger value (or the trigger metadata). */
export function toolCall(input: unknown, triggerMetadata: Record<string, unknown> | undefined): ToolCall {
  const value = parse(input);
  const ctx = isRecord(value)
    ? value
    : isRecord(triggerMetadata?.['mcptoolcontext'])
      ? triggerMetadata['mcptoolcontext']
      : {};
  const args = isRecord(ctx['arguments'])
    ? ctx['arguments']
    : isRecord(triggerMetadata?.['mcptoolargs'])
      ? triggerMetadata['mcptoolargs']
      : {};
  const transport = isRecord(ctx['transport']) ? ctx['transport'] : {};
  const properties = isRecord(transport['properties']) ? transport['properties'] : {};
  const raw = isRecord(properties['headers']) ? properties['headers'] : {};
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (typeof v === 'string') headers[k.toLowerCase()] = v;
  return { args, headers };
}
