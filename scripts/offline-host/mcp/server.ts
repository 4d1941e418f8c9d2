/**
 * One MCP server (the official SDK's low-level `Server`) answering with the app's registrations, as the
 * extension's McpWebJobsBuilderExtensions.AddMcp configures its C# SDK server: tools, resources, resource
 * templates and prompts from the registries; unknown names are InvalidParams errors; serverInfo and
 * instructions from host.json (Configuration/FunctionsMcpServerOptionsSetup.cs).
 *
 * Error shapes follow the C# SDK (ModelContextProtocol 0.4.0-preview.3, the extension's dependency):
 * a tools/call handler that throws anything but a protocol error answers `isError: true` with
 * "An error occurred invoking '<tool>'." (McpServerImpl.ConfigureTools); any other request that fails
 * answers JSON-RPC -32603 "An error occurred." (McpSessionHandler); protocol errors keep code and message.
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  GetPromptRequestSchema,
  InitializeRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  ReadResourceRequestSchema,
  type CallToolResult,
} from '@modelcontextprotocol/sdk/types.js';
import type { AppInvoker } from '../types.js';
import {
  promptResult,
  promptTrigger,
  resourceResult,
  resourceTrigger,
  toolResult,
  toolTrigger,
  type CallContext,
} from './invocation.js';
import type { McpOptions } from './options.js';
import { templateValues, type McpRegistry } from './registry.js';

/** The protocol versions of the C# SDK the extension ships (McpSessionHandler.SupportedProtocolVersions). */
export const EXTENSION_PROTOCOL_VERSIONS = ['2024-11-05', '2025-03-26', '2025-06-18'] as const;
const LATEST = '2025-06-18';

export interface ServerDeps {
  registry: McpRegistry;
  invoker: AppInvoker;
  options: McpOptions;
  log: (line: string) => void;
}

/** A JSON-RPC error whose message goes on the wire as given (McpError would prefix "MCP error -326xx:"). */
export function protocolError(code: number, message: string): Error & { code: number } {
  return Object.assign(new Error(message), { code });
}

/**
 * InvalidParams when a required argument is missing or null, worded as the extension words it
 * (ToolInputSchema.Validate: "tool properties"; McpPromptListener.ValidateRequiredArguments: "prompt arguments").
 */
function requireArguments(
  required: readonly string[],
  args: Record<string, unknown> | undefined,
  what: 'tool properties' | 'prompt arguments',
): void {
  const absent = required.filter((name) => args?.[name] === undefined || args[name] === null);
  if (absent.length > 0)
    throw protocolError(
      ErrorCode.InvalidParams,
      `One or more required ${what} are missing values. Please provide: ${absent.join(', ')}`,
    );
}

const errorText = (err: unknown) => (err instanceof Error ? (err.stack ?? err.message) : String(err));

export function createMcpServer(
  deps: ServerDeps,
  call: CallContext,
  hooks: { onInitialize?: (clientInfo: Record<string, unknown>) => void } = {},
): Server {
  const { registry, invoker, options, log } = deps;
  const capabilities = { tools: {}, resources: {}, prompts: {} };
  const server = new Server(
    { name: options.serverName, version: options.serverVersion },
    { capabilities, ...(options.instructions ? { instructions: options.instructions } : {}) },
  );

  // Negotiate as the C# SDK does: the client's version when it knows it, else its latest.
  server.setRequestHandler(InitializeRequestSchema, (request) => {
    const asked = request.params.protocolVersion;
    hooks.onInitialize?.(request.params.clientInfo as unknown as Record<string, unknown>);
    return {
      protocolVersion: (EXTENSION_PROTOCOL_VERSIONS as readonly string[]).includes(asked) ? asked : LATEST,
      capabilities,
      serverInfo: { name: options.serverName, version: options.serverVersion },
      ...(options.instructions ? { instructions: options.instructions } : {}),
    };
  });

  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: registry.tools.map((t) => ({
      name: t.name,
      ...(t.description !== undefined ? { description: t.description } : {}),
      inputSchema: t.inputSchema as { type: 'object' },
      ...(t.outputSchema ? { outputSchema: t.outputSchema as { type: 'object' } } : {}),
      ...(t.meta ? { _meta: t.meta } : {}),
    })),
  }));

  server.setRequestHandler(CallToolRequestSchema, async (request): Promise<CallToolResult> => {
    const { name, arguments: args } = request.params;
    const tool = registry.findTool(name);
    if (!tool) throw protocolError(ErrorCode.InvalidParams, `Unknown tool: '${name}'`);
    requireArguments(tool.required, args, 'tool properties');
    try {
      const returned = await invoker.invokeTrigger(tool.functionName, toolTrigger(tool, args, call));
      return toolResult(tool, returned);
    } catch (err) {
      log(`[mcp] tool '${tool.name}' (function ${tool.functionName}) failed: ${errorText(err)}`);
      return { isError: true, content: [{ type: 'text', text: `An error occurred invoking '${name}'.` }] };
    }
  });

  server.setRequestHandler(ListResourcesRequestSchema, () => ({
    resources: registry.resources
      .filter((r) => !r.template)
      .map((r) => ({
        uri: r.uri,
        name: r.name,
        ...(r.title !== undefined ? { title: r.title } : {}),
        ...(r.description !== undefined ? { description: r.description } : {}),
        ...(r.mimeType !== undefined ? { mimeType: r.mimeType } : {}),
        ...(r.size !== undefined ? { size: r.size } : {}),
        ...(r.meta ? { _meta: r.meta } : {}),
      })),
  }));

  server.setRequestHandler(ListResourceTemplatesRequestSchema, () => ({
    resourceTemplates: registry.resources
      .filter((r) => r.template)
      .map((r) => ({
        uriTemplate: r.uri,
        name: r.name,
        ...(r.title !== undefined ? { title: r.title } : {}),
        ...(r.description !== undefined ? { description: r.description } : {}),
        ...(r.mimeType !== undefined ? { mimeType: r.mimeType } : {}),
        ...(r.meta ? { _meta: r.meta } : {}),
      })),
  }));

  server.setRequestHandler(ReadResourceRequestSchema, async (request) => {
    const { uri } = request.params;
    let resource;
    try {
      resource = registry.findResource(uri);
    } catch {
      throw protocolError(ErrorCode.InternalError, 'An error occurred.'); // ResourceUriHelper.Validate threw
    }
    if (!resource) throw protocolError(ErrorCode.InvalidParams, `Unknown resource: '${uri}'`);
    try {
      const trigger = resourceTrigger(resource, uri, templateValues(resource, uri), call);
      return resourceResult(resource, uri, await invoker.invokeTrigger(resource.functionName, trigger));
    } catch (err) {
      log(`[mcp] resource '${uri}' (function ${resource.functionName}) failed: ${errorText(err)}`);
      throw protocolError(ErrorCode.InternalError, 'An error occurred.');
    }
  });

  server.setRequestHandler(ListPromptsRequestSchema, () => ({
    prompts: registry.prompts.map((p) => ({
      name: p.name,
      ...(p.title !== undefined ? { title: p.title } : {}),
      ...(p.description !== undefined ? { description: p.description } : {}),
      ...(p.arguments ? { arguments: p.arguments } : {}),
      ...(p.icons ? { icons: p.icons as Array<{ src: string }> } : {}),
      ...(p.meta ? { _meta: p.meta } : {}),
    })),
  }));

  server.setRequestHandler(GetPromptRequestSchema, async (request) => {
    const { name, arguments: args } = request.params;
    const prompt = registry.findPrompt(name);
    if (!prompt) throw protocolError(ErrorCode.InvalidParams, `Unknown prompt: '${name}'`);
    const required = (prompt.arguments ?? []).filter((a) => a.required === true).map((a) => a.name);
    requireArguments(required, args, 'prompt arguments');
    try {
      const returned = await invoker.invokeTrigger(prompt.functionName, promptTrigger(prompt, args, call));
      return promptResult(prompt, returned) as { messages: [] };
    } catch (err) {
      log(`[mcp] prompt '${name}' (function ${prompt.functionName}) failed: ${errorText(err)}`);
      throw protocolError(ErrorCode.InternalError, 'An error occurred.');
    }
  });

  return server;
}
