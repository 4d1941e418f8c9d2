/**
 * What the extension hands the function (trigger value + binding data) and how it reads the function's
 * return value. Sources (Azure/azure-functions-mcp-extension, src/Microsoft.Azure.Functions.Extensions.Mcp/):
 * - Trigger/McpToolTriggerBinding.cs, McpResourceTriggerBinding.cs, McpPromptTriggerBinding.cs (BindAsync:
 *   the trigger value is the invocation context serialized with McpJsonSerializerOptions when the
 *   parameter is a string; binding data `mcptoolargs` / `mcppromptargs` (every value .ToString()'d),
 *   `mcpsessionid`, `mcptoolcontext` / `mcpresourcecontext` / `mcppromptcontext`, `mcpresourceuri`, the
 *   template parameters of a resource URI);
 * - Abstractions/ToolInvocationContext.cs, ResourceInvocationContext.cs, PromptInvocationContext.cs,
 *   Transport.cs (JSON names), Trigger/McpTriggerTransportHelper.cs (transport name, every request
 *   header, session id from the `Mcp-Session-Id` header);
 * - Trigger/ToolReturnValueBinder.cs / SimpleToolReturnValueBinder.cs, McpToolListener.cs (results),
 *   ResourceReturnValueBinder.cs + McpResourceListener.cs, PromptReturnValueBinder.cs /
 *   SimplePromptReturnValueBinder.cs; McpConstants.cs (result type names).
 */
import {
  CallToolResultSchema,
  ContentBlockSchema,
  PromptMessageSchema,
  type CallToolResult,
} from '@modelcontextprotocol/sdk/types.js';
import type { RpcValue } from '../types.js';
import type { McpPromptDef, McpResourceDef, McpToolDef } from './registry.js';

/** The request a call arrived on: what McpTriggerTransportHelper reads from the HttpContext. */
export interface CallContext {
  transportName: 'http-streamable' | 'http-sse';
  /** Request headers, original names, repeated values joined with ','. */
  headers: Record<string, string>;
  /** The `Mcp-Session-Id` request header (Streamable HTTP), else the server session's id. */
  sessionId?: string;
  /** The client's `initialize` clientInfo, when this server instance saw it (SSE sessions). */
  clientInfo?: Record<string, unknown>;
}

export interface TriggerPayload {
  data: RpcValue;
  metadata: Record<string, RpcValue>;
}

const json = (v: unknown): RpcValue => ({ json: JSON.stringify(v) });

/** Transport.cs with System.Text.Json (null members omitted). */
function transportOf(call: CallContext): Record<string, unknown> {
  return {
    name: call.transportName,
    ...(call.sessionId !== undefined ? { sessionId: call.sessionId } : {}),
    properties: { headers: call.headers },
  };
}

/**
 * The *context binding data as the host's RPC layer serializes a POCO (Newtonsoft: C# member names, nulls
 * kept, System.Text.Json attributes ignored, a JsonElement as `{ValueKind}`). The library then lower-cases
 * each key's first letter. Read from the sources, not observed: read the trigger value instead.
 */
function newtonsoftContext(call: CallContext, extra: Record<string, unknown>): Record<string, unknown> {
  const info = call.clientInfo;
  return {
    ...extra,
    SessionId: call.sessionId ?? null,
    ClientInfo: info
      ? { Name: info['name'] ?? null, Title: info['title'] ?? null, Version: info['version'] ?? null }
      : null,
    Transport: {
      Name: call.transportName,
      SessionId: call.sessionId ?? null,
      Properties: { headers: call.headers },
    },
  };
}

const VALUE_KIND = { object: 1, array: 2, string: 3, number: 4, true: 5, false: 6, null: 7 } as const;
function valueKinds(args: Record<string, unknown> | undefined): Record<string, unknown> | null {
  if (!args) return null;
  const kind = (v: unknown): number =>
    v === null
      ? VALUE_KIND.null
      : Array.isArray(v)
        ? VALUE_KIND.array
        : v === true
          ? VALUE_KIND.true
          : v === false
            ? VALUE_KIND.false
            : (VALUE_KIND[typeof v as 'object' | 'string' | 'number'] ?? VALUE_KIND.object);
  return Object.fromEntries(Object.entries(args).map(([k, v]) => [k, { ValueKind: kind(v) }]));
}

/** JsonElement.ToString(): a string's value, '' for null, True/False, raw JSON text for the rest. */
export function dotnetArgText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  if (v === true) return 'True';
  if (v === false) return 'False';
  return JSON.stringify(v);
}

const argTexts = (args: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(args).map(([k, v]) => [k, dotnetArgText(v)]));

function invocationContext(call: CallContext, head: Record<string, unknown>): Record<string, unknown> {
  return {
    ...head,
    ...(call.sessionId !== undefined ? { sessionid: call.sessionId } : {}),
    ...(call.clientInfo ? { clientinfo: call.clientInfo } : {}),
    transport: transportOf(call),
  };
}

export function toolTrigger(
  tool: McpToolDef,
  args: Record<string, unknown> | undefined,
  call: CallContext,
): TriggerPayload {
  const ctx = invocationContext(call, { name: tool.name, ...(args ? { arguments: args } : {}) });
  const text = JSON.stringify(ctx);
  return {
    data: { string: text },
    metadata: {
      [tool.triggerName]: { string: text },
      mcptoolcontext: json(newtonsoftContext(call, { Name: tool.name, Arguments: valueKinds(args) })),
      ...(call.sessionId !== undefined ? { mcpsessionid: { string: call.sessionId } } : {}),
      ...(args ? { mcptoolargs: json(argTexts(args)) } : {}),
    },
  };
}

export function resourceTrigger(
  resource: McpResourceDef,
  uri: string,
  templateValues: Record<string, string> | undefined,
  call: CallContext,
): TriggerPayload {
  const text = JSON.stringify(invocationContext(call, { uri }));
  const metadata: Record<string, RpcValue> = {
    [resource.triggerName]: { string: text },
    mcpresourcecontext: json(newtonsoftContext(call, { Uri: uri })),
    ...(call.sessionId !== undefined ? { mcpsessionid: { string: call.sessionId } } : {}),
    mcpresourceuri: { string: uri },
  };
  for (const [k, v] of Object.entries(templateValues ?? {})) metadata[k] = { string: v };
  return { data: { string: text }, metadata };
}

export function promptTrigger(
  prompt: McpPromptDef,
  args: Record<string, unknown> | undefined,
  call: CallContext,
): TriggerPayload {
  const text = JSON.stringify(
    invocationContext(call, { name: prompt.name, ...(args ? { arguments: args } : {}) }),
  );
  return {
    data: { string: text },
    metadata: {
      [prompt.triggerName]: { string: text },
      mcppromptcontext: json(newtonsoftContext(call, { Name: prompt.name, Arguments: valueKinds(args) })),
      ...(call.sessionId !== undefined ? { mcpsessionid: { string: call.sessionId } } : {}),
      ...(args ? { mcppromptargs: json(argTexts(args)) } : {}),
    },
  };
}

/** The return value as the host sees it after RPC: a string, bytes, or a parsed JSON value. */
function hostValue(v: RpcValue | null | undefined): unknown {
  if (!v) return null;
  if (v.string !== undefined && v.string !== null) return v.string;
  if (v.json !== undefined && v.json !== null) return JSON.parse(v.json) as unknown;
  if (v.bytes) return Buffer.from(v.bytes);
  if (v.int !== undefined && v.int !== null) return v.int;
  if (v.double !== undefined && v.double !== null) return v.double;
  return null;
}

/** .NET object.ToString() of what RPC gave the host (a JObject prints indented JSON). */
function dotnetText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Buffer.isBuffer(v)) return 'System.Byte[]';
  if (v !== null && typeof v === 'object') return JSON.stringify(v, null, 2);
  return String(v);
}

/** Thrown when the return value cannot be bound: the extension answers it as a failed invocation. */
export class ReturnValueError extends Error {
  override name = 'ReturnValueError';
}

function lowerKeys(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k.toLowerCase(), v]));
}

function contentBlock(raw: unknown, type: string): CallToolResult['content'][number] {
  const parsed = ContentBlockSchema.safeParse(raw);
  if (!parsed.success) throw new ReturnValueError(`Failed to deserialize content for type '${type}'.`);
  return parsed.data;
}

/**
 * ToolReturnValueBinder (useResultSchema, what @azure/functions declares) or SimpleToolReturnValueBinder,
 * then McpToolListener.RunAsync: no result = empty content.
 */
export function toolResult(tool: McpToolDef, returned: RpcValue | null | undefined): CallToolResult {
  const value = hostValue(returned);
  if (value === null) return { content: [] };
  if (!tool.useResultSchema) return { content: [{ type: 'text', text: dotnetText(value) }] };
  if (typeof value !== 'string') throw new ReturnValueError('Expected JSON string.');
  let envelope: Record<string, unknown>;
  try {
    const parsed = JSON.parse(value) as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    envelope = lowerKeys(parsed as Record<string, unknown>);
  } catch {
    throw new ReturnValueError(
      'The function return value could not be deserialized to a valid McpToolResult.',
    );
  }
  const type = envelope['type'];
  const content = envelope['content'];
  if (typeof type !== 'string' || (content !== undefined && content !== null && typeof content !== 'string'))
    throw new ReturnValueError(
      'The function return value could not be deserialized to a valid McpToolResult.',
    );
  const parse = (text: unknown): unknown => {
    try {
      return JSON.parse(String(text)) as unknown;
    } catch {
      throw new ReturnValueError(`Failed to deserialize content for type '${type}'.`);
    }
  };
  if (type.toLowerCase() === 'call_tool_result') {
    // Deserialized into the C# SDK's CallToolResult: known members kept, unknown ones dropped.
    const r = CallToolResultSchema.safeParse(parse(content));
    if (!r.success) throw new ReturnValueError('Failed to deserialize CallToolResult.');
    const { content: blocks, structuredContent, isError, _meta } = r.data;
    return {
      content: blocks,
      ...(structuredContent !== undefined ? { structuredContent } : {}),
      ...(isError !== undefined ? { isError } : {}),
      ...(_meta !== undefined ? { _meta } : {}),
    };
  }
  const blocks =
    type.toLowerCase() === 'multi_content_result'
      ? (() => {
          const list = parse(content);
          if (!Array.isArray(list)) throw new ReturnValueError('Failed to deserialize multi-content result.');
          return list.map((b) => contentBlock(b, type));
        })()
      : [contentBlock(parse(content), type)];
  if (blocks.length === 0)
    throw new ReturnValueError('No content items were produced from the McpToolResult.');
  const structured = envelope['structuredcontent'];
  return {
    content: blocks,
    ...(typeof structured === 'string' && structured !== ''
      ? { structuredContent: parse(structured) as Record<string, unknown> }
      : {}),
  };
}

export interface ResourceContents {
  uri: string;
  mimeType?: string;
  text?: string;
  blob?: string;
}

/** ResourceReturnValueBinder: a worker McpResourceResult envelope, else text; bytes become a blob. */
export function resourceResult(
  resource: McpResourceDef,
  uri: string,
  returned: RpcValue | null | undefined,
): { contents: ResourceContents[] } {
  const value = hostValue(returned);
  if (value === null) return { contents: [] };
  const mime = resource.mimeType !== undefined ? { mimeType: resource.mimeType } : {};
  if (Buffer.isBuffer(value)) return { contents: [{ uri, ...mime, blob: value.toString('base64') }] };
  if (typeof value !== 'string')
    throw new ReturnValueError(
      `Unsupported return type for resource read: ${Array.isArray(value) ? 'JArray' : typeof value === 'object' ? 'JObject' : typeof value}. Expected string or byte[].`,
    );
  const envelope = workerResourceResult(value);
  if (envelope) {
    return {
      contents: [
        {
          ...envelope,
          uri: envelope.uri ? envelope.uri : uri,
          ...(envelope.mimeType ? {} : mime),
        },
      ],
    };
  }
  return { contents: [{ uri, ...mime, text: value }] };
}

/** `{"content": "<ResourceContents JSON>"}` from a worker SDK; anything else is plain text. */
function workerResourceResult(text: string): ResourceContents | undefined {
  try {
    const outer = JSON.parse(text) as unknown;
    if (!outer || typeof outer !== 'object' || Array.isArray(outer)) return undefined;
    const content = lowerKeys(outer as Record<string, unknown>)['content'];
    if (typeof content !== 'string') return undefined;
    const inner = JSON.parse(content) as Record<string, unknown> | null;
    if (!inner || typeof inner !== 'object') return undefined;
    const r: ResourceContents = { uri: typeof inner['uri'] === 'string' ? inner['uri'] : '' };
    if (typeof inner['mimeType'] === 'string') r.mimeType = inner['mimeType'];
    if (typeof inner['blob'] === 'string') r.blob = inner['blob'];
    else if (typeof inner['text'] === 'string') r.text = inner['text'];
    else return undefined;
    return r;
  } catch {
    return undefined;
  }
}

/** SimplePromptReturnValueBinder (what Node prompts get), or PromptReturnValueBinder's envelope. */
export function promptResult(
  prompt: McpPromptDef,
  returned: RpcValue | null | undefined,
): { messages: unknown[] } {
  const value = hostValue(returned);
  if (value === null) return { messages: [] };
  if (!prompt.useResultSchema)
    return { messages: [{ role: 'user', content: { type: 'text', text: dotnetText(value) } }] };
  if (typeof value !== 'string') throw new ReturnValueError('Expected JSON string.');
  let envelope: Record<string, unknown>;
  try {
    envelope = lowerKeys(JSON.parse(value) as Record<string, unknown>);
  } catch {
    throw new ReturnValueError(
      'The function return value could not be deserialized to a valid McpPromptResult.',
    );
  }
  const content = envelope['content'];
  const type = String(envelope['type'] ?? '').toLowerCase();
  if (typeof content !== 'string')
    throw new ReturnValueError('McpPromptResult.Content was null; cannot process prompt result.');
  const inner = JSON.parse(content) as unknown;
  if (type === 'get_prompt_result') return inner as { messages: unknown[] };
  if (type === 'prompt_messages' && Array.isArray(inner)) {
    for (const m of inner)
      if (!PromptMessageSchema.safeParse(m).success)
        throw new ReturnValueError(`Failed to deserialize content for type '${type}'.`);
    return { messages: inner };
  }
  throw new ReturnValueError(`Unknown McpPromptResult type: '${String(envelope['type'])}'.`);
}
