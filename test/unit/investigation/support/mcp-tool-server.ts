import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { callTool, readTools, toolJsonSchema } from '../../../../src/tools';

/**
 * A real MCP server (Streamable HTTP, stateless) on 127.0.0.1 serving the read tools, standing in for
 * the app's `app.mcpTool` endpoint or any outside tool server. Counts the calls it served.
 */
export async function startMcpToolServer(): Promise<{
  url: string;
  calls: string[];
  close: () => Promise<void>;
}> {
  const calls: string[] = [];
  const mcpServer = () => {
    const s = new Server({ name: 'contoso-tools', version: '1.0.0' }, { capabilities: { tools: {} } });
    s.setRequestHandler(ListToolsRequestSchema, () => ({
      tools: readTools.map((t) => ({
        name: t.name,
        description: t.description,
        inputSchema: toolJsonSchema(t) as { type: 'object' },
      })),
    }));
    s.setRequestHandler(CallToolRequestSchema, async (req) => {
      calls.push(req.params.name);
      const r = await callTool(req.params.name, req.params.arguments ?? {});
      return r.ok
        ? { content: [{ type: 'text' as const, text: JSON.stringify(r.result) }] }
        : { content: [{ type: 'text' as const, text: r.error }], isError: true };
    });
    return s;
  };
  const http: HttpServer = createServer((req, res) => {
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    const server = mcpServer();
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    server
      .connect(transport)
      .then(() => transport.handleRequest(req, res))
      .catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}
