import { z } from 'zod';
import { Alert } from '../detection/schema';
import { estimateTokens } from '../agents/tokens';
import { describeRoundChange, RoundChange } from './round-change';
import {
  ActionName,
  Assessment,
  Explanation,
  LiveEvidenceItem,
  RiskLevel,
  SpecialistName,
  TokenUsage,
  ToolCallRecord,
} from './types';
import { migrateV1, SessionV1 } from './session-v1';

/**
 * The caseSession entity's state: the case's whole agent conversation, versioned like agent-framework's
 * DurableAgentState (request/response entries with messages, tool calls and usage). A re-investigation
 * reads the alert, earlier rounds, the analyst's feedback and new evidence from here.
 *
 * Entity state must stay well under 1 MB: entries are capped, long texts truncated, and the oldest
 * entries dropped (counted in droppedEntries) once the serialized state passes MAX_SESSION_BYTES.
 *
 * Version 3 adds to each round what convinced the specialists (verified benign explanations, the live
 * events they cited), the auto-clear policy's verdict, and what changed since the round before and why.
 * Version 2 states load as they are (the additions are optional); version 1 is migrated.
 */
export const SESSION_SCHEMA_VERSION = 3;
export const MAX_SESSION_BYTES = 600_000;
export const LIMITS = {
  entries: 60,
  messagesPerEntry: 3,
  messageChars: 1_500,
  toolCallsPerEntry: 10,
  toolArgsChars: 200,
  toolSummaryChars: 240,
  feedback: 20,
  feedbackChars: 4_000,
  evidence: 25,
  eventsPerEvidence: 10,
  rounds: 25,
  reasoningChars: 2_000,
} as const;

export const SessionMessage = z.object({
  role: z.enum(['system', 'user', 'assistant', 'tool']),
  content: z.string(),
});
export type SessionMessage = z.infer<typeof SessionMessage>;

export const SessionEntry = z.object({
  kind: z.enum(['request', 'response']),
  /** Pairs a request with its response; deterministic (case, round, author) so a replayed round dedupes. */
  correlationId: z.string().min(1),
  createdAt: z.string(),
  round: z.number().int().positive(),
  /** Who speaks: a specialist name, 'aggregator', or 'analyst'. */
  author: z.string().min(1),
  messages: z.array(SessionMessage),
  toolCalls: z.array(ToolCallRecord).optional(),
  usage: TokenUsage.optional(),
});
export type SessionEntry = z.infer<typeof SessionEntry>;

export const FeedbackEntry = z.object({
  round: z.number().int().positive(),
  text: z.string(),
  analyst: z.string().optional(),
  at: z.string(),
});
export type FeedbackEntry = z.infer<typeof FeedbackEntry>;

export const EvidenceEntry = z.object({
  /** The round that was current when the evidence arrived. */
  round: z.number().int().positive(),
  alert: Alert,
  at: z.string(),
});
export type EvidenceEntry = z.infer<typeof EvidenceEntry>;

export const RoundSummary = z.object({
  round: z.number().int().positive(),
  riskScore: z.number().min(0).max(1),
  level: RiskLevel,
  recommendedAction: ActionName,
  degraded: z.boolean(),
  findings: z.array(
    z.object({
      specialist: SpecialistName,
      riskScore: z.number(),
      summary: z.string(),
      evidence: z.array(z.string()).max(5).optional(),
      degraded: z.boolean(),
      explanations: z.array(Explanation).max(20).optional(),
      liveEvidence: z.array(LiveEvidenceItem).max(15).optional(),
      /** Tools called this round (name and arguments), for the record of what changed. */
      tools: z.array(z.string().max(200)).max(20).optional(),
    }),
  ),
  reasoning: z.string(),
  clearance: Assessment.shape.clearance,
  /** Alerts attached to the case when the round was recorded. */
  evidenceCount: z.number().int().nonnegative().optional(),
  changes: RoundChange.optional(),
});
export type RoundSummary = z.infer<typeof RoundSummary>;

export const CaseSession = z.object({
  schemaVersion: z.literal(SESSION_SCHEMA_VERSION),
  caseId: z.string().min(1),
  customerId: z.string(),
  openedAt: z.string(),
  alert: Alert,
  entries: z.array(SessionEntry),
  feedback: z.array(FeedbackEntry),
  evidence: z.array(EvidenceEntry),
  rounds: z.array(RoundSummary),
  usage: TokenUsage,
  /** Entries removed to keep the state bounded (oldest first). */
  droppedEntries: z.number().int().nonnegative(),
});
export type CaseSession = z.infer<typeof CaseSession>;

const cut = (s: string, n: number) => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);

export function openSession(input: { caseId: string; alert: Alert; openedAt: string }): CaseSession {
  return {
    schemaVersion: SESSION_SCHEMA_VERSION,
    caseId: input.caseId,
    customerId: input.alert.customerId,
    openedAt: input.openedAt,
    alert: input.alert,
    entries: [],
    feedback: [],
    evidence: [],
    rounds: [],
    usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0, usd: 0 },
    droppedEntries: 0,
  };
}

/**
 * Records one round: its transcript entries (deduplicated by correlationId + kind, so a retried
 * activity or replayed signal adds nothing twice) and, when given, the round's assessment. The
 * assessment also becomes the aggregator's response entry, carrying the reasoning and the tokens it
 * cost beyond the specialists', so the session's usage is the case's whole cost.
 */
export function recordRound(
  s: CaseSession,
  round: { round: number; entries: readonly SessionEntry[]; assessment?: Assessment; at?: string },
): CaseSession {
  const entries = round.assessment
    ? [
        ...round.entries,
        aggregatorEntry(s, round.round, round.assessment, round.at ?? round.entries.at(-1)?.createdAt),
      ]
    : round.entries;
  const seen = new Set(s.entries.map((e) => `${e.kind}|${e.correlationId}`));
  const fresh = entries.filter((e) => !seen.has(`${e.kind}|${e.correlationId}`)).map(boundEntry);
  const usage = fresh.reduce((u, e) => (e.usage ? addUsage(u, e.usage) : u), s.usage);
  const rounds = round.assessment
    ? [...s.rounds.filter((r) => r.round !== round.round), summarizeRound(s, round.assessment)]
        .sort((a, b) => a.round - b.round)
        .slice(-LIMITS.rounds)
    : s.rounds;
  return enforceBudget({ ...s, entries: [...s.entries, ...fresh], rounds, usage });
}

function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    totalTokens: a.totalTokens + b.totalTokens,
    usd: Math.round((a.usd + b.usd) * 1e9) / 1e9,
  };
}

function aggregatorEntry(s: CaseSession, round: number, a: Assessment, at: string | undefined): SessionEntry {
  const specialists = a.findings.reduce((u, f) => addUsage(u, f.usage), {
    inputTokens: 0,
    outputTokens: 0,
    totalTokens: 0,
    usd: 0,
  });
  const nonNegative = (n: number) => Math.max(0, n);
  return {
    kind: 'response',
    correlationId: `${s.caseId}:r${round}:aggregator`,
    createdAt: at ?? s.openedAt,
    round,
    author: 'aggregator',
    messages: [
      {
        role: 'assistant',
        content: `risk ${a.riskScore.toFixed(2)} (${a.level}), recommended ${a.recommendedAction}${a.degraded ? ', degraded' : ''}. ${a.reasoning}`,
      },
    ],
    usage: {
      inputTokens: nonNegative(a.usage.inputTokens - specialists.inputTokens),
      outputTokens: nonNegative(a.usage.outputTokens - specialists.outputTokens),
      totalTokens: nonNegative(a.usage.totalTokens - specialists.totalTokens),
      usd: nonNegative(Math.round((a.usage.usd - specialists.usd) * 1e9) / 1e9),
    },
  };
}

/** Adds the analyst's feedback for a round (a repeat of the same text for the same round is ignored). */
export function addFeedback(
  s: CaseSession,
  fb: { round: number; text: string; analyst?: string; at: string },
): CaseSession {
  const text = cut(fb.text.trim(), LIMITS.feedbackChars);
  if (!text || s.feedback.some((f) => f.round === fb.round && f.text === text)) return s;
  const entry: FeedbackEntry = {
    round: fb.round,
    text,
    at: fb.at,
    ...(fb.analyst ? { analyst: fb.analyst } : {}),
  };
  return enforceBudget({ ...s, feedback: [...s.feedback, entry].slice(-LIMITS.feedback) });
}

/** Attaches a later alert for the same customer as evidence (deduplicated by alertId). */
export function addEvidence(s: CaseSession, ev: { alert: Alert; at: string; round?: number }): CaseSession {
  if (ev.alert.alertId === s.alert.alertId || s.evidence.some((e) => e.alert.alertId === ev.alert.alertId))
    return s;
  const alert: Alert = {
    ...ev.alert,
    // The newest events tell the story; the entity keeps a bounded sample.
    events: ev.alert.events.slice(-LIMITS.eventsPerEvidence),
  };
  const round = ev.round ?? currentRound(s);
  return enforceBudget({
    ...s,
    evidence: [...s.evidence, { round, alert, at: ev.at }].slice(-LIMITS.evidence),
  });
}

/**
 * The round running now, as the session knows it: the last assessed round, or the one after it when the
 * analyst has rejected it (its re-investigation is running); round 1 before any assessment. Evidence is
 * labelled with it: an alert that arrives while round 2 awaits a decision belongs to round 2.
 */
export function currentRound(s: CaseSession): number {
  const last = s.rounds.at(-1)?.round;
  if (last === undefined) return 1;
  return s.feedback.some((f) => f.round === last) ? last + 1 : last;
}

export interface PromptContext {
  /** One line per earlier round (oldest first), within the budget. */
  priorRounds: string[];
  /** Analyst feedback, oldest first, labelled with its round. */
  feedback: string[];
  /** Alerts attached to the case after it opened, newest last. */
  newEvidence: Alert[];
}

/**
 * What a re-investigation's prompt carries from the session, under a token budget so prompts stay
 * bounded however long the case runs. Priority: feedback, then the latest rounds, then evidence.
 */
export function summarizeForPrompt(s: CaseSession, opts: { tokenBudget?: number } = {}): PromptContext {
  let budget = opts.tokenBudget ?? 2_000;
  const take = (text: string): boolean => {
    const cost = estimateTokens(text);
    if (cost > budget) return false;
    budget -= cost;
    return true;
  };
  const feedback: string[] = [];
  for (const f of [...s.feedback].reverse()) {
    const line = `round ${f.round}${f.analyst ? ` (${f.analyst})` : ''}: ${cut(f.text, 1_200)}`;
    if (!take(line)) break;
    feedback.unshift(line);
  }
  const priorRounds: string[] = [];
  for (const line of [...roundLines(s)].reverse()) {
    if (!take(line)) break;
    priorRounds.unshift(line);
  }
  const newEvidence: Alert[] = [];
  for (const e of [...s.evidence].reverse()) {
    if (!take(JSON.stringify(e.alert))) break;
    newEvidence.unshift(e.alert);
  }
  return { priorRounds, feedback, newEvidence };
}

function roundLines(s: CaseSession): string[] {
  if (s.rounds.length > 0)
    return s.rounds.map(
      (r) =>
        `round ${r.round}: risk ${r.riskScore.toFixed(2)} (${r.level}), recommended ${r.recommendedAction}` +
        `${r.degraded ? ', degraded' : ''}. ` +
        r.findings
          .map(
            (f) =>
              `${f.specialist} ${f.riskScore.toFixed(2)}${f.degraded ? ' (degraded)' : ''}: ${cut(f.summary, 300)}`,
          )
          .join(' | '),
    );
  // Sessions migrated from v1 kept no round summaries: fall back to each round's final answers.
  const byRound = new Map<number, string[]>();
  for (const e of s.entries.filter((x) => x.kind === 'response')) {
    const text = e.messages.map((m) => m.content).join(' ');
    byRound.set(e.round, [...(byRound.get(e.round) ?? []), `${e.author}: ${cut(text, 300)}`]);
  }
  return [...byRound.entries()]
    .sort(([a], [b]) => a - b)
    .map(([r, parts]) => `round ${r}: ${parts.join(' | ')}`);
}

/** A round as the session keeps it, with what changed since the round before (when there was one). */
function summarizeRound(s: CaseSession, a: Assessment): RoundSummary {
  const summary: RoundSummary = {
    round: a.round,
    riskScore: a.riskScore,
    level: a.level,
    recommendedAction: a.recommendedAction,
    degraded: a.degraded,
    findings: a.findings.map((f) => ({
      specialist: f.specialist,
      riskScore: f.riskScore,
      summary: cut(f.summary, 600),
      evidence: f.evidence.slice(0, 5).map((e) => cut(e, 240)),
      degraded: f.degraded,
      ...(f.explanations?.length ? { explanations: f.explanations.slice(0, 20) } : {}),
      ...(f.liveEvidence?.length ? { liveEvidence: f.liveEvidence.slice(0, 15) } : {}),
      tools: [
        ...new Set(f.toolCalls.map((c) => cut(`${c.name} ${JSON.stringify(c.args ?? {})}`, 200))),
      ].slice(0, 20),
    })),
    reasoning: cut(a.reasoning, LIMITS.reasoningChars),
    ...(a.clearance ? { clearance: a.clearance } : {}),
    evidenceCount: s.evidence.length,
  };
  const before = [...s.rounds].reverse().find((r) => r.round < a.round);
  if (!before) return summary;
  const feedback = s.feedback.filter((f) => f.round === before.round).map((f) => f.text);
  const newAlerts = s.evidence.slice(before.evidenceCount ?? s.evidence.length).map((e) => e.alert);
  return { ...summary, changes: describeRoundChange(before, summary, feedback, newAlerts) };
}

function boundEntry(e: SessionEntry): SessionEntry {
  return {
    ...e,
    messages: e.messages
      .slice(-LIMITS.messagesPerEntry)
      .map((m) => ({ ...m, content: cut(m.content, LIMITS.messageChars) })),
    ...(e.toolCalls
      ? {
          toolCalls: e.toolCalls.slice(0, LIMITS.toolCallsPerEntry).map((c) => {
            const args = JSON.stringify(c.args ?? null);
            return {
              ...c,
              args: args.length <= LIMITS.toolArgsChars ? c.args : cut(args, LIMITS.toolArgsChars),
              resultSummary: cut(c.resultSummary, LIMITS.toolSummaryChars),
            };
          }),
        }
      : {}),
  };
}

/** Drops the oldest entries beyond the count cap, then until the serialized state fits the byte budget. */
function enforceBudget(s: CaseSession): CaseSession {
  let entries = s.entries;
  let dropped = s.droppedEntries;
  if (entries.length > LIMITS.entries) {
    dropped += entries.length - LIMITS.entries;
    entries = entries.slice(-LIMITS.entries);
  }
  let bytes = sessionBytes({ ...s, entries });
  let cutAt = 0;
  while (bytes > MAX_SESSION_BYTES && cutAt < entries.length) {
    // +1 for the comma between array items; an estimate that errs towards dropping one more.
    bytes -= Buffer.byteLength(JSON.stringify(entries[cutAt]), 'utf8') + 1;
    cutAt++;
  }
  return { ...s, entries: entries.slice(cutAt), droppedEntries: dropped + cutAt };
}

export function sessionBytes(s: CaseSession): number {
  return Buffer.byteLength(JSON.stringify(s), 'utf8');
}

/**
 * Reads persisted session state of any known version and returns the current shape. Version 1 (the
 * DurableAgentState-like `{schemaVersion: 1, data: {conversationHistory}}`) is upgraded; anything else
 * is rejected with what was wrong.
 */
export function migrateSession(raw: unknown): CaseSession {
  const version = (raw as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (version === SESSION_SCHEMA_VERSION) return CaseSession.parse(raw);
  // v2 → v3 only added optional fields.
  if (version === 2) return CaseSession.parse({ ...(raw as object), schemaVersion: SESSION_SCHEMA_VERSION });
  if (version === 1 || version === '1' || (typeof version === 'string' && version.startsWith('1.'))) {
    const v1 = SessionV1.parse(raw);
    return enforceBudget(CaseSession.parse(migrateV1(v1, boundEntry)));
  }
  throw new Error(
    `caseSession state has unknown schemaVersion ${JSON.stringify(version)}; expected 1, 2 or ${SESSION_SCHEMA_VERSION}`,
  );
}
