import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { createLocalToolRunner } from '../../../src/agents/local-tools';
import { LAST_TURN_NOTE, NO_TOOL_REMINDER, runAgentLoop, type AgentTask } from '../../../src/agents/loop';
import { ModelError } from '../../../src/agents/model';
import { UNTRUSTED_DATA_RULE } from '../../../src/agents/untrusted';
import { repliesModel } from './support/replies-model';

const Report = z.object({ riskScore: z.number().min(0).max(1), summary: z.string().min(1) });
const task = (over: Partial<AgentTask<z.infer<typeof Report>>> = {}): AgentTask<z.infer<typeof Report>> => ({
  system: `ROLE: location specialist\n${UNTRUSTED_DATA_RULE}`,
  user: 'Investigate customer C007.',
  tools: ['get_customer_detail', 'get_security_logs'],
  output: Report,
  requireToolUse: true,
  maxIterations: 6,
  caseId: 'case-1',
  ...over,
});
const tools = createLocalToolRunner();
const logs = { call: [{ name: 'get_security_logs', args: { customer_id: 'C007' } }] };
const answer = { content: 'Here you go: {"riskScore": 0.8, "summary": "RU login 39 min after a US one"}' };

describe('agent loop', () => {
  it('runs model ↔ tools, quoting results as data, and sums usage at the model price', async () => {
    const model = repliesModel([logs, answer]);
    const run = await runAgentLoop(task(), { model, tools });

    expect(run.status).toBe('ok');
    expect(run.output).toEqual({ riskScore: 0.8, summary: 'RU login 39 min after a US one' });
    expect(run.toolCalls).toMatchObject([
      { name: 'get_security_logs', args: { customer_id: 'C007' }, ok: true },
    ]);
    const toolMessage = model.requests[1]!.messages.find((m) => m.role === 'tool');
    expect(toolMessage?.content).toMatch(
      /^<data name="tool_result:get_security_logs">\n\{"customerId":"C007"/,
    );
    // gpt-4o-mini: 2 calls × (1000 in × $0.15 + 100 out × $0.60) per 1M
    expect(run.usage).toEqual({ inputTokens: 2_000, outputTokens: 200, totalTokens: 2_200, usd: 0.00042 });
  });

  it('does not believe an answer given without any tool call: one reminder, then it must use tools', async () => {
    const model = repliesModel([answer, logs, answer]);
    const run = await runAgentLoop(task(), { model, tools });
    expect(run.status).toBe('ok');
    expect(model.requests[1]!.messages.at(-1)).toEqual({ role: 'user', content: NO_TOOL_REMINDER });
  });

  it('degrades a model that keeps answering without tools after the reminder', async () => {
    const model = repliesModel([answer]);
    const run = await runAgentLoop(task(), { model, tools });
    expect(run.status).toBe('degraded');
    expect(run.degradedReason).toBe('answered without calling any tool, after a reminder');
    expect(run.modelCalls).toBe(2);
  });

  it('repairs invalid output once, telling the model what failed validation', async () => {
    const model = repliesModel([logs, { content: '{"riskScore": 7, "summary": ""}' }, answer]);
    const run = await runAgentLoop(task(), { model, tools });
    expect(run.status).toBe('ok');
    const repair = model.requests[2]!.messages.at(-1);
    expect(repair?.role).toBe('user');
    expect(repair?.content).toMatch(/riskScore: Too big.*summary: Too small/);
  });

  it('repairs an answer with no JSON at all, and degrades when the repair fails too', async () => {
    const model = repliesModel([logs, { content: 'The risk looks high to me.' }]);
    const run = await runAgentLoop(task(), { model, tools });
    expect(model.requests[2]!.messages.at(-1)?.content).toMatch(/no JSON object found/);
    expect(run.status).toBe('degraded');
    expect(run.degradedReason).toMatch(
      /^final answer failed validation after one repair: no JSON object found/,
    );
    expect(run.modelCalls).toBe(3);
  });

  it('bounds the iterations: the last turn offers no tools, and a model that still calls them is degraded', async () => {
    const model = repliesModel([logs]);
    const run = await runAgentLoop(task({ maxIterations: 4 }), { model, tools });
    expect(run.status).toBe('degraded');
    expect(run.degradedReason).toBe('iteration limit reached (4 model calls) without a valid answer');
    expect(model.requests).toHaveLength(4);
    expect(model.requests.map((r) => r.tools.length)).toEqual([2, 2, 2, 0]);
    expect(model.requests[3]!.messages.at(-1)).toEqual({ role: 'user', content: LAST_TURN_NOTE });
    expect(run.toolCalls).toHaveLength(3);
  });

  it('ends degraded, without throwing, when the model fails', async () => {
    const model = repliesModel([{ fail: new ModelError('gpt-4o: HTTP 503 overloaded', true, 503) }]);
    const run = await runAgentLoop(task(), { model, tools });
    expect(run.status).toBe('degraded');
    expect(run.degradedReason).toBe('model call failed: gpt-4o: HTTP 503 overloaded');
  });

  it('refuses tools outside the agent allow-list, so data can never make it call an action tool', async () => {
    const model = repliesModel([
      { call: [{ name: 'lock_account', args: { customer_id: 'C007' } }] },
      logs,
      answer,
    ]);
    const run = await runAgentLoop(task(), { model, tools });
    expect(run.toolCalls[0]).toMatchObject({
      name: 'lock_account',
      ok: false,
      resultSummary: expect.stringMatching(/not available to this agent/),
    });
    expect(run.status).toBe('ok');
  });

  it('hands bad tool arguments back to the model as an error it can fix', async () => {
    const model = repliesModel([
      { call: [{ name: 'get_security_logs', args: { customer: 'C007' } }] },
      logs,
      answer,
    ]);
    const run = await runAgentLoop(task(), { model, tools });
    expect(run.toolCalls.map((c) => c.ok)).toEqual([false, true]);
    expect(run.toolCalls[0]!.resultSummary).toMatch(/invalid arguments for get_security_logs: customer_id/);
    expect(run.status).toBe('ok');
  });

  it('does not accept findings when every tool call failed', async () => {
    const model = repliesModel([
      { call: [{ name: 'get_security_logs', args: { customer_id: 'C999' } }] },
      answer,
    ]);
    const run = await runAgentLoop(task(), { model, tools });
    expect(run.status).toBe('degraded');
    expect(run.degradedReason).toBe('no tool call succeeded, so no data backs the answer');
  });
});
