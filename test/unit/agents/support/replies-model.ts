import type { ChatModel, ChatRequest, ChatResponse } from '../../../../src/agents/model';

/** One scripted turn: an answer, tool calls, or a failure. */
export type Reply =
  { content: string } | { call: Array<{ name: string; args: Record<string, unknown> }> } | { fail: Error };

/**
 * A model that plays a fixed list of turns and records every request it saw: for testing the loop's
 * guards against a model that misbehaves in a precise way. The last reply repeats.
 */
export function repliesModel(
  replies: Reply[],
  name = 'gpt-4o-mini',
): ChatModel & { requests: ChatRequest[] } {
  const requests: ChatRequest[] = [];
  return {
    name,
    requests,
    complete(req): Promise<ChatResponse> {
      requests.push({ ...req, messages: [...req.messages] });
      const reply = replies[Math.min(requests.length - 1, replies.length - 1)]!;
      if ('fail' in reply) return Promise.reject(reply.fail);
      const usage = { inputTokens: 1_000, outputTokens: 100 };
      if ('call' in reply)
        return Promise.resolve({
          message: {
            toolCalls: reply.call.map((c, i) => ({
              id: `c${requests.length}_${i}`,
              name: c.name,
              arguments: JSON.stringify(c.args),
            })),
          },
          usage,
          model: name,
        });
      return Promise.resolve({ message: { content: reply.content }, usage, model: name });
    },
  };
}
