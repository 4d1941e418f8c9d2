import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { ToolName } from '../tools/types';
import type { ToolSpec } from './model';
import { errorText, ToolsUnavailableError, type ToolOutcome, type ToolRunner } from './tool-runner';

export interface McpToolRunnerOptions {
  url: string;
  /** e.g. `{ 'x-functions-key': … }` for the Functions MCP extension's webhook. */
  headers?: Record<string, string>;
  /** Per tool call; default 30 s. */
  timeoutMs?: number;
}

/**
 * Tools over MCP (Streamable HTTP), for when MCP_SERVER_URL points at another tool server. Connects
 * lazily, lists tools once, and maps MCP results (text content, isError) to ToolOutcome.
 */
export function createMcpToolRunner(opts: McpToolRunnerOptions): ToolRunner {
  let connecting: Promise<{ client: Client; specs: Map<string, ToolSpec> }> | undefined;
  const connect = () =>
    (connecting ??= (async () => {
      try {
        return await open();
      } catch (err) {
        connecting = undefined;
        throw new ToolsUnavailableError(`MCP server ${opts.url} unreachable: ${errorText(err)}`, {
          cause: err,
        });
      }
    })());
  const open = async () => {
    const client = new Client({ name: 'durable-fraud-agents', version: '0.1.0' });
    const transport = new StreamableHTTPClientTransport(
      new URL(opts.url),
      opts.headers ? { requestInit: { headers: opts.headers } } : undefined,
    );
    await client.connect(transport);
    const listed = await client.listTools();
    const specs = new Map<string, ToolSpec>(
      listed.tools.map((t) => [
        t.name,
        {
          name: t.name,
          description: t.description ?? '',
          parameters: t.inputSchema as Record<string, unknown>,
        },
      ]),
    );
    return { client, specs };
  };

  return {
    async specs(names: readonly ToolName[]) {
      const { specs } = await connect();
      const missing = names.filter((n) => !specs.has(n));
      if (missing.length > 0)
        throw new ToolsUnavailableError(`MCP server ${opts.url} does not offer: ${missing.join(', ')}`);
      return names.map((n) => specs.get(n)!);
    },
    async call(name, rawArgs, ctx): Promise<ToolOutcome> {
      try {
        const { client, specs } = await connect();
        const args = { ...((rawArgs ?? {}) as Record<string, unknown>) };
        // The server answers for the case's "now", not its own clock.
        const offersAsOf = Object.hasOwn(
          (specs.get(name)?.parameters['properties'] ?? {}) as object,
          'as_of',
        );
        if (ctx.asOf && offersAsOf) args['as_of'] = ctx.asOf;
        const res = await client.callTool({ name, arguments: args }, undefined, {
          timeout: opts.timeoutMs ?? 30_000,
        });
        const text = (Array.isArray(res.content) ? res.content : [])
          .flatMap((c: { type: string; text?: string }) =>
            c.type === 'text' && c.text !== undefined ? [c.text] : [],
          )
          .join('\n');
        const value = res.structuredContent ?? parseMaybeJson(text);
        if (res.isError) return { ok: false, error: text || 'tool reported an error' };
        return { ok: true, result: value };
      } catch (err) {
        return { ok: false, error: `MCP call failed: ${errorText(err)}` };
      }
    },
    async close() {
      if (!connecting) return;
      const { client } = await connecting.catch(() => ({ client: undefined }));
      connecting = undefined;
      await client?.close();
    },
  };
}

function parseMaybeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
