import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake endpoint received. */
export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
}

/** What the fake endpoint answers: a chat completion, an HTTP error, or a stall past the client timeout. */
export type FakeReply =
  | {
      kind: 'completion';
      content?: string;
      toolCalls?: Array<{ id: string; name: string; arguments: string }>;
      model?: string;
      finishReason?: string;
      usage?: { prompt: number; completion: number };
    }
  | { kind: 'error'; status: number; message?: string }
  | { kind: 'stall'; ms: number };

/**
 * A real HTTP server on 127.0.0.1 speaking the OpenAI chat-completions wire format, so the adapters
 * are tested through the real SDK and a real socket. Replies are taken in order; the last one repeats.
 */
export async function startFakeOpenAI(
  replies: FakeReply[],
): Promise<{ url: string; requests: ReceivedRequest[]; close: () => Promise<void> }> {
  const requests: ReceivedRequest[] = [];
  let next = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const reply = replies[Math.min(next++, replies.length - 1)]!;
      if (reply.kind === 'stall') {
        setTimeout(() => res.destroyed || res.end(), reply.ms).unref();
        return;
      }
      if (reply.kind === 'error') {
        res.writeHead(reply.status, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            error: { message: reply.message ?? `fake ${reply.status}`, type: 'server_error', code: null },
          }),
        );
        return;
      }
      const toolCalls = reply.toolCalls?.map((c) => ({
        id: c.id,
        type: 'function',
        function: { name: c.name, arguments: c.arguments },
      }));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: `chatcmpl-${requests.length}`,
          object: 'chat.completion',
          created: 1_780_000_000,
          model: reply.model ?? String(body.model ?? 'gpt-4o-mini'),
          choices: [
            {
              index: 0,
              finish_reason: reply.finishReason ?? (toolCalls ? 'tool_calls' : 'stop'),
              message: {
                role: 'assistant',
                content: reply.content ?? null,
                ...(toolCalls ? { tool_calls: toolCalls } : {}),
              },
              ...(reply.finishReason === 'content_filter'
                ? { content_filter_results: { violence: { filtered: true, severity: 'high' } } }
                : {}),
            },
          ],
          usage: {
            prompt_tokens: reply.usage?.prompt ?? 100,
            completion_tokens: reply.usage?.completion ?? 20,
            total_tokens: (reply.usage?.prompt ?? 100) + (reply.usage?.completion ?? 20),
          },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
