import type { z } from 'zod';
import type { TokenUsage } from '../investigation/types';
import type { ToolCallRecord, ToolContext, ToolName } from '../tools/types';
import type { ChatMessage, ChatModel, FallbackInfo, ToolCall } from './model';
import { priced, sumUsage } from './pricing';
import { errorText, type ToolRunner } from './tool-runner';
import { extractJson, quoteData, summarizeResult } from './untrusted';

/** One agent's job: prompts, the tools it may use, and the schema its final answer must pass. */
export interface AgentTask<T> {
  system: string;
  user: string;
  /** The only tools this agent may call; anything else the model asks for is refused. */
  tools: readonly ToolName[];
  output: z.ZodType<T>;
  /** A final answer with no tool call before it is not believed (one reminder, then degraded). */
  requireToolUse: boolean;
  /** Upper bound on model calls, reminders and the repair included. */
  maxIterations: number;
  caseId?: string;
  temperature?: number;
  maxTokens?: number;
  signal?: AbortSignal;
  /** Characters of one tool result quoted back to the model (long arrays are shortened). */
  maxToolResultChars?: number;
  /** What the tools read with: the investigation's as-of and the customer's live record. */
  toolContext?: Omit<ToolContext, 'caseId'>;
}

export interface AgentRun<T> {
  status: 'ok' | 'degraded';
  output?: T;
  degradedReason?: string;
  /** The whole conversation, for the case session (which keeps a bounded summary of it). */
  messages: ChatMessage[];
  toolCalls: ToolCallRecord[];
  usage: TokenUsage;
  modelCalls: number;
  /** The models that answered, in order of first use (a fallback adds the secondary). */
  models: string[];
  fallbacks: FallbackInfo[];
}

const MAX_CALLS_PER_TURN = 8;

export const NO_TOOL_REMINDER =
  'Your findings are not accepted: you answered without calling any tool. Call the tools you were given ' +
  'to gather evidence first, then answer with the JSON findings.';
export const LAST_TURN_NOTE =
  'Tool budget spent. Answer now with the JSON findings, using only the tool results you already have.';

/**
 * The agent loop: model ↔ tools until the model answers, bounded by maxIterations. Its answer must
 * parse as JSON and pass the zod schema; one repair turn is allowed. Model failures never throw: they
 * end the run as `degraded` with the reason, and the caller applies its fallback.
 */
export async function runAgentLoop<T>(
  task: AgentTask<T>,
  deps: { model: ChatModel; tools: ToolRunner },
): Promise<AgentRun<T>> {
  const messages: ChatMessage[] = [
    { role: 'system', content: task.system },
    { role: 'user', content: task.user },
  ];
  const allowed = new Set<string>(task.tools);
  const specs = await deps.tools.specs(task.tools);
  const toolCalls: ToolCallRecord[] = [];
  const usages: TokenUsage[] = [];
  const models: string[] = [];
  const fallbacks: FallbackInfo[] = [];
  let reminded = false;
  let repaired = false;
  let modelCalls = 0;

  const finish = (
    status: 'ok' | 'degraded',
    extra: { output?: T; degradedReason?: string },
  ): AgentRun<T> => ({
    status,
    ...extra,
    messages,
    toolCalls,
    usage: sumUsage(usages),
    modelCalls,
    models,
    fallbacks,
  });

  for (let i = 0; i < task.maxIterations; i++) {
    const last = i === task.maxIterations - 1;
    let res;
    try {
      modelCalls++;
      res = await deps.model.complete({
        messages,
        // The last turn offers no tools, so a tool-happy model still has to conclude.
        tools: last ? [] : specs,
        ...(task.temperature !== undefined ? { temperature: task.temperature } : {}),
        ...(task.maxTokens !== undefined ? { maxTokens: task.maxTokens } : {}),
        ...(task.signal ? { signal: task.signal } : {}),
      });
    } catch (err) {
      return finish('degraded', { degradedReason: `model call failed: ${errorText(err)}`.slice(0, 500) });
    }
    usages.push(priced(res.model, res.usage));
    if (!models.includes(res.model)) models.push(res.model);
    if (res.fallback) fallbacks.push(res.fallback);

    const calls = (res.message.toolCalls ?? []).slice(0, MAX_CALLS_PER_TURN);
    messages.push({
      role: 'assistant',
      ...(res.message.content ? { content: res.message.content } : {}),
      ...(calls.length > 0 ? { toolCalls: calls } : {}),
    });

    if (calls.length > 0) {
      if (last) break;
      const results = await Promise.all(calls.map((c) => runToolCall(c, allowed, deps.tools, task)));
      for (const [idx, r] of results.entries()) {
        toolCalls.push(r.record);
        messages.push({
          role: 'tool',
          toolCallId: calls[idx]!.id,
          name: calls[idx]!.name,
          content: r.content,
        });
      }
      if (i === task.maxIterations - 2) messages.push({ role: 'user', content: LAST_TURN_NOTE });
      continue;
    }

    if (task.requireToolUse && toolCalls.length === 0) {
      if (reminded || last)
        return finish('degraded', { degradedReason: 'answered without calling any tool, after a reminder' });
      reminded = true;
      messages.push({ role: 'user', content: NO_TOOL_REMINDER });
      continue;
    }

    const parsed = task.output.safeParse(extractJson(res.message.content ?? ''));
    if (parsed.success) {
      if (task.requireToolUse && !toolCalls.some((c) => c.ok))
        return finish('degraded', {
          output: parsed.data,
          degradedReason: 'no tool call succeeded, so no data backs the answer',
        });
      return finish('ok', { output: parsed.data });
    }
    const problems = describeIssues(res.message.content ?? '', parsed.error);
    if (repaired || last)
      return finish('degraded', {
        degradedReason: `final answer failed validation after one repair: ${problems}`.slice(0, 500),
      });
    repaired = true;
    messages.push({
      role: 'user',
      content: `Your answer could not be accepted: ${problems}. Reply again with only the JSON object, fixed.`,
    });
  }
  return finish('degraded', {
    degradedReason: `iteration limit reached (${task.maxIterations} model calls) without a valid answer`,
  });
}

async function runToolCall(
  call: ToolCall,
  allowed: ReadonlySet<string>,
  tools: ToolRunner,
  task: AgentTask<unknown>,
): Promise<{ record: ToolCallRecord; content: string }> {
  const started = performance.now();
  const name = call.name as ToolName;
  const fail = (error: string, args: unknown = call.arguments) => ({
    record: {
      name,
      args,
      ok: false,
      resultSummary: error.slice(0, 300),
      durationMs: performance.now() - started,
    },
    content: quoteData(`tool_error:${call.name}`, { error }),
  });
  if (!allowed.has(call.name))
    return fail(`tool "${call.name}" is not available to this agent; available: ${[...allowed].join(', ')}`);
  let args: unknown;
  try {
    args = call.arguments.trim() === '' ? {} : (JSON.parse(call.arguments) as unknown);
  } catch {
    return fail(`arguments are not valid JSON: ${call.arguments.slice(0, 200)}`);
  }
  // A runner returns ok:false for anything the model can act on; a throw is a bug or an outage and
  // propagates to the caller.
  const outcome = await tools.call(name, args, {
    ...task.toolContext,
    ...(task.caseId ? { caseId: task.caseId } : {}),
  });
  if (!outcome.ok) return fail(outcome.error, args);
  return {
    record: {
      name,
      args,
      ok: true,
      resultSummary: summarizeResult(outcome.result),
      durationMs: performance.now() - started,
    },
    content: quoteData(`tool_result:${call.name}`, outcome.result, task.maxToolResultChars),
  };
}

function describeIssues(text: string, error: z.ZodError): string {
  if (extractJson(text) === undefined) return 'no JSON object found in the answer';
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}
