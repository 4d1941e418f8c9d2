import { setTimeout as delay } from 'node:timers/promises';
import type { ChatMessage, ChatModel, ChatRequest, ChatResponse, ToolCall, ToolSpec } from './model';
import { analyze, type Role } from './scripted/analyze';
import { callKey, plan, type DirectedCheck } from './scripted/plan';
import { arr, num, obj, str, type AlertFacts, type ToolResult } from './scripted/read';
import { estimateTokens } from './tokens';
import { readDataBlocks } from './untrusted';

/** Instruction-like text planted in data: reported to the analyst, never obeyed, never scored. */
const INJECTION =
  /ignore (all |any )?(previous|prior|above) instructions|disregard (the|your) (rules|instructions)|clear this alert/i;

export interface ScriptedModelOptions {
  /** Added to every call (SCRIPTED_MODEL_LATENCY_MS), so fan-out and timeouts can be exercised offline. */
  latencyMs?: number;
}

/**
 * The offline model. It is a real ChatModel: it reads its role from the system prompt (or the tools
 * offered), the alert from the quoted data, plans tool calls with arguments filled from the alert and
 * earlier results (by reading each tool's JSON schema), and once the data is in, derives a score and
 * findings from numbers and structured fields in the results. Nothing keys on customer ids or scenario
 * names, and free text in the data never moves a score. Stateless: everything comes from the
 * conversation, so the same conversation always gets the same answer.
 */
export function scriptedModel(opts: ScriptedModelOptions = {}): ChatModel {
  return {
    name: 'scripted',
    async complete(req: ChatRequest): Promise<ChatResponse> {
      if (opts.latencyMs)
        await delay(opts.latencyMs, undefined, req.signal ? { signal: req.signal } : undefined);
      req.signal?.throwIfAborted();
      const message = respond(req);
      const inputText = req.messages.map(messageText).join('\n') + JSON.stringify(req.tools);
      const outputText = (message.content ?? '') + JSON.stringify(message.toolCalls ?? []);
      return {
        message,
        usage: { inputTokens: estimateTokens(inputText), outputTokens: estimateTokens(outputText) },
        model: 'scripted',
      };
    },
  };
}

function messageText(m: ChatMessage): string {
  if (m.role === 'assistant') return (m.content ?? '') + JSON.stringify(m.toolCalls ?? []);
  return m.content;
}

function respond(req: ChatRequest): ChatResponse['message'] {
  const system = req.messages.find((m) => m.role === 'system')?.content ?? '';
  const user = req.messages.find((m) => m.role === 'user')?.content ?? '';
  const blocks = readDataBlocks(user);
  const role = roleOf(system, req.tools);
  if (role === 'aggregator')
    return { content: writeReasoning(obj(blocks.find((b) => b.name === 'assessment')?.value)) };

  const alertValue = obj(blocks.find((b) => b.name === 'alert')?.value);
  const newEvidence = arr(blocks.find((b) => b.name === 'new_evidence')?.value).map(obj);
  const feedback = arr(blocks.find((b) => b.name === 'analyst_feedback')?.value).flatMap((f) =>
    typeof f === 'string' ? [f] : [],
  );
  const caseFacts = obj(blocks.find((b) => b.name === 'case')?.value);
  const directives = obj(blocks.find((b) => b.name === 'analyst_directives')?.value);
  const directed: DirectedCheck[] = arr(directives.checks)
    .map(obj)
    .flatMap((c) => (typeof c.tool === 'string' ? [{ tool: c.tool, wide: c.wide === true }] : []));
  const alerts = [alertValue, ...newEvidence];
  const asOf = str(caseFacts.asOf);
  const alert: AlertFacts = {
    customerId: str(alertValue.customerId) ?? '',
    events: alerts.flatMap((a) => arr(a.events)).map(obj),
    rules: alerts.flatMap((a) => (typeof a.rule === 'string' ? [a.rule] : [])),
    ...(asOf ? { asOf } : {}),
  };
  const { results, called } = readToolTurns(req.messages);
  const calls = req.tools.length > 0 ? plan(req.tools, alert, results, called, directed, role) : [];
  if (calls.length > 0) {
    const turn = req.messages.filter((m) => m.role === 'assistant').length;
    return {
      toolCalls: calls.map((c, i) => ({
        id: `call_${turn}_${i}`,
        name: c.name,
        arguments: JSON.stringify(c.args),
      })),
    };
  }
  return {
    content: JSON.stringify(
      findings(role, results, alert, alertValue, feedback, directives, directed, req.messages),
    ),
  };
}

function roleOf(system: string, tools: readonly ToolSpec[]): Role {
  const declared = /^ROLE: (usage|location|billing|aggregator)\b/m.exec(system)?.[1];
  if (declared) return declared as Role;
  const names = new Set(tools.map((t) => t.name));
  if (names.has('get_security_logs')) return 'location';
  if (names.has('get_billing_summary') || names.has('get_customer_orders')) return 'billing';
  if (names.has('get_data_usage')) return 'usage';
  return 'aggregator';
}

/** Pairs each tool message with the call that asked for it; failed calls count as called. */
function readToolTurns(messages: readonly ChatMessage[]): { results: ToolResult[]; called: Set<string> } {
  const asked = new Map<string, ToolCall>();
  const called = new Set<string>();
  const results: ToolResult[] = [];
  for (const m of messages) {
    if (m.role === 'assistant')
      for (const c of m.toolCalls ?? []) {
        asked.set(c.id, c);
        called.add(callKey(c.name, safeParse(c.arguments)));
      }
    if (m.role === 'tool') {
      const call = asked.get(m.toolCallId);
      const block = readDataBlocks(m.content)[0];
      if (call && block?.name.startsWith('tool_result:'))
        results.push({ tool: call.name, args: obj(safeParse(call.arguments)), value: block.value });
    }
  }
  return { results, called };
}

const safeParse = (s: string): unknown => {
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return {};
  }
};

function findings(
  role: Role,
  results: readonly ToolResult[],
  alert: AlertFacts,
  alertValue: Record<string, unknown>,
  feedback: readonly string[],
  directives: Record<string, unknown>,
  directed: readonly DirectedCheck[],
  messages: readonly ChatMessage[],
): {
  riskScore: number;
  summary: string;
  evidence: string[];
  explanations: Array<{ kind: string; ref: string; detail: string }>;
  citedEvents: string[];
} {
  const a = analyze(role, results, alert);
  const evidence = [...a.evidence];
  const kb = results
    .filter((r) => r.tool === 'search_knowledge_base')
    .flatMap((r) => arr(obj(r.value).results).map(obj));
  if (kb[0])
    evidence.push(`Playbook ${str(kb[0].id) ?? ''} "${str(kb[0].title) ?? ''}" covers this pattern.`);
  // Planted instructions are reported as a signal for the analyst, never followed.
  const untrusted = [
    str(alertValue.description) ?? '',
    ...messages.filter((m) => m.role === 'tool').map((m) => m.content),
  ];
  const injected = untrusted.map((t) => INJECTION.exec(t)?.[0]).find(Boolean);
  if (injected)
    evidence.push(
      `Untrusted data contains instruction-like text ("${injected}"); ignored, and worth a look.`,
    );

  let summary = a.finding;
  if (feedback.length > 0) {
    const last = feedback[feedback.length - 1]!.replace(/^round \d+( \([^)]*\))?: /, '');
    const intents = arr(directives.intents).filter((x): x is string => typeof x === 'string');
    const read = [...new Set(directed.map((c) => c.tool).filter((t) => results.some((r) => r.tool === t)))];
    const other = arr(directives.elsewhere).filter((x): x is string => typeof x === 'string');
    summary +=
      ` Analyst feedback: "${last.slice(0, 300)}".` +
      (read.length
        ? ` It asks about ${intents.join(', ') || 'the history'}: re-checked ${read.join(', ')} this round (the widest window each offers); the score follows that data.`
        : other.length
          ? ` That points at ${other.join(', ')}, outside this specialist's tools; the ${role} data is unchanged.`
          : ' Weighed against the data above.');
  }
  return {
    riskScore: a.score,
    summary,
    evidence: evidence.slice(0, 20),
    explanations: a.explanations ?? [],
    citedEvents: a.cited ?? [],
  };
}

/** The aggregator's prose: a template over the decided numbers and the findings. */
function writeReasoning(assessment: Record<string, unknown>): string {
  const score = num(assessment.riskScore) ?? 0;
  const fs = arr(assessment.findings).map(obj);
  const drivers = fs.filter((f) => (num(f.riskScore) ?? 0) >= 0.6 && f.degraded !== true);
  const quiet = fs.filter((f) => (num(f.riskScore) ?? 0) < 0.3 && f.degraded !== true);
  const degraded = fs.filter((f) => f.degraded === true);
  const feedback = arr(assessment.analystFeedback).filter((f): f is string => typeof f === 'string');
  const name = (f: Record<string, unknown>) =>
    `${str(f.specialist) ?? '?'} (${(num(f.riskScore) ?? 0).toFixed(2)})`;
  const firstSentence = (s: unknown) => (str(s) ?? '').split(/(?<=\.)\s/)[0] ?? '';
  const parts = [
    `Aggregate risk ${score.toFixed(2)} (${str(assessment.level) ?? '?'}); recommended action: ${str(assessment.recommendedAction) ?? '?'}.`,
  ];
  if (drivers.length)
    parts.push(`Driven by ${drivers.map((f) => `${name(f)}: ${firstSentence(f.summary)}`).join(' ')}`);
  else parts.push('No specialist found a strong fraud signal.');
  if (quiet.length) parts.push(`${quiet.map(name).join(' and ')} show nothing unusual.`);
  if (degraded.length)
    parts.push(
      `${degraded.map(name).join(' and ')} ${degraded.length > 1 ? 'are' : 'is'} degraded (a severity fallback without tool evidence); verify before acting.`,
    );
  if (feedback.length)
    parts.push(
      `This round addressed the analyst feedback: "${feedback[feedback.length - 1]!.slice(0, 300)}".`,
    );
  return parts.join(' ');
}
