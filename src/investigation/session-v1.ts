import { z } from 'zod';
import { Alert } from '../detection/schema';
import type { CaseSession, SessionEntry } from './session';

/**
 * Version 1 of the caseSession state, kept so old entities still load. It mirrored agent-framework's
 * DurableAgentState: `{schemaVersion, data: {conversationHistory: [{$type, correlationId, createdAt,
 * messages: [{role, contents: [{$type: 'text', text}]}], usage}]}}`, with the alert and feedback
 * strings beside it. It had no rounds, evidence or prices.
 */
export const SessionV1 = z.object({
  schemaVersion: z.union([z.literal(1), z.string().regex(/^1(\.|$)/)]),
  caseId: z.string().min(1),
  alert: Alert,
  openedAt: z.string().optional(),
  feedback: z.array(z.string()).default([]),
  data: z.object({
    conversationHistory: z.array(
      z.object({
        $type: z.enum(['request', 'response']),
        correlationId: z.string().min(1),
        createdAt: z.string(),
        authorName: z.string().optional(),
        messages: z.array(
          z.object({
            role: z.enum(['system', 'user', 'assistant', 'tool']),
            contents: z.array(z.object({ $type: z.string(), text: z.string().optional() })),
          }),
        ),
        usage: z
          .object({
            inputTokenCount: z.number().int().nonnegative().optional(),
            outputTokenCount: z.number().int().nonnegative().optional(),
            totalTokenCount: z.number().int().nonnegative().optional(),
          })
          .optional(),
      }),
    ),
  }),
});
export type SessionV1 = z.infer<typeof SessionV1>;

/** v1 → the current version. Rounds come from `:r<N>:` in correlation ids (else 1); v1 usage had no price, so usd is 0. */
export function migrateV1(v1: SessionV1, bound: (e: SessionEntry) => SessionEntry): CaseSession {
  const history = v1.data.conversationHistory;
  const entries: SessionEntry[] = history.map((h) => {
    const round = Number(/:r(\d+)(?::|$)/.exec(h.correlationId)?.[1] ?? 1);
    const input = h.usage?.inputTokenCount ?? 0;
    const output = h.usage?.outputTokenCount ?? 0;
    return bound({
      kind: h.$type,
      correlationId: h.correlationId,
      createdAt: h.createdAt,
      round: round > 0 ? round : 1,
      author: h.authorName ?? h.messages[0]?.role ?? 'unknown',
      messages: h.messages.map((m) => ({
        role: m.role,
        content: m.contents.flatMap((c) => (c.text !== undefined ? [c.text] : [])).join('\n'),
      })),
      ...(h.usage
        ? {
            usage: {
              inputTokens: input,
              outputTokens: output,
              totalTokens: h.usage.totalTokenCount ?? input + output,
              usd: 0,
            },
          }
        : {}),
    });
  });
  const openedAt = v1.openedAt ?? history[0]?.createdAt ?? v1.alert.detectedAt;
  const usage = entries.reduce(
    (u, e) => ({
      inputTokens: u.inputTokens + (e.usage?.inputTokens ?? 0),
      outputTokens: u.outputTokens + (e.usage?.outputTokens ?? 0),
      totalTokens: u.totalTokens + (e.usage?.totalTokens ?? 0),
      usd: 0,
    }),
    { inputTokens: 0, outputTokens: 0, totalTokens: 0, usd: 0 },
  );
  return {
    schemaVersion: 3,
    caseId: v1.caseId,
    customerId: v1.alert.customerId,
    openedAt,
    alert: v1.alert,
    entries,
    // v1 feedback had no round: the n-th rejection followed round n.
    feedback: v1.feedback.map((text, i) => ({ round: i + 1, text, at: openedAt })),
    evidence: [],
    rounds: [],
    usage,
    droppedEntries: 0,
  };
}
