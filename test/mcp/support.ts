import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startOfflineHost, type OfflineHost } from '../../scripts/offline-host/index';

/** MCP clients (the official SDK's) against the offline host over real HTTP on loopback. */
export const FIXTURES = path.join(__dirname, 'fixtures');
export const MCP_KEY = 'mcp-test-extension-key';

export function startFixture(name: string, log?: (line: string) => void): Promise<OfflineHost> {
  return startOfflineHost({
    appDir: path.join(FIXTURES, name),
    port: 0,
    clock: 'virtual',
    inMemory: true,
    enableTimerTriggers: false,
    functionKey: 'mcp-test-function-key',
    mcpExtensionKey: MCP_KEY,
    ...(log ? { log } : {}),
  });
}

export type TransportKind = 'streamable' | 'sse';

export interface Connected {
  client: Client;
  transport: StreamableHTTPClientTransport | SSEClientTransport;
}

/** A connected SDK client; headers go on every request (the SSE client's GET and its POSTs). */
export async function connect(
  url: string,
  kind: TransportKind,
  headers: Record<string, string>,
  name = 'mcp-tests',
): Promise<Connected> {
  const client = new Client({ name, version: '1.2.3' });
  const transport =
    kind === 'streamable'
      ? new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } })
      : new SSEClientTransport(new URL(`${url}/sse`), { requestInit: { headers } });
  await client.connect(transport);
  return { client, transport };
}

export interface Block {
  type: string;
  text?: string;
  [k: string]: unknown;
}

/** The content blocks of a tool result (the SDK's result type is a union with task results). */
export function contentOf(result: unknown): Block[] {
  return ((result as { content?: Block[] }).content ?? []) as Block[];
}

/** The session id a Streamable HTTP client holds. */
export function sessionOf(c: Connected): string | undefined {
  return (c.transport as StreamableHTTPClientTransport).sessionId;
}

/** The first text block of a tool result. */
export function textOf(result: unknown): string {
  const blocks = contentOf(result);
  const text = blocks.find((b) => b.type === 'text')?.text;
  if (text === undefined) throw new Error(`no text block in ${JSON.stringify(result)}`);
  return text;
}
