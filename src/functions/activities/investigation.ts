import * as df from 'durable-functions';
import { createModels } from '../../agents/models';
import type { Models } from '../../agents/model';
import { config } from '../../config';
import { activities } from '../../durable/activities';
import { accountActivity } from '../../durable/entities';
import { readEntity, registerActivity } from '../../durable/typed';
import { aggregateRisk, explanationsOf, writeReasoning } from '../../investigation/aggregate';
import { runSpecialist } from '../../investigation/specialists';
import { recordAdvance } from '../../records/writes';
import { clearanceFor } from '../../review/policy-autoclear';

/** One model client per worker process: SDK clients keep connections and token caches. */
let models: Models | undefined;
const sharedModels = () => (models ??= createModels(config()));

/**
 * One specialist. Its tools read the customer's live account record, read here through the durable client
 * (entity state never travels in the activity input: both are capped at 1 MB).
 */
registerActivity(activities.investigateSpecialist, {
  extraInputs: [df.input.durableClient()],
  handler: async (input, context) => {
    const cfg = config();
    const { caseId, round, alert } = input;
    // The case index learns a new round as soon as it starts (after a reject, it is no longer awaiting).
    const at = new Date().toISOString();
    const advance = { caseId, customerId: alert.customerId, rule: alert.rule, round, at };
    await recordAdvance({ ...advance, stage: 'investigating' }, (m) => context.warn(m));
    const record = await readEntity(df.getClient(context), accountActivity, alert.customerId);
    const { findings, transcript } = await runSpecialist(
      input.specialist,
      {
        caseId: input.caseId,
        round: input.round,
        alert: input.alert,
        priorRounds: input.priorRounds,
        feedback: input.feedback,
        newEvidence: input.newEvidence,
        ...(input.asOf ? { asOf: input.asOf } : {}),
      },
      {
        models: sharedModels(),
        ...(record
          ? {
              live: {
                customerId: record.customerId,
                events: record.events,
                dropped: mergeCounts(record.expired, record.evicted),
              },
            }
          : {}),
        maxIterations: cfg.AGENT_MAX_ITERATIONS,
        ...(cfg.MCP_SERVER_URL ? { mcpServerUrl: cfg.MCP_SERVER_URL } : {}),
      },
    );
    return { findings, transcript };
  },
});

registerActivity(activities.aggregateFindings, {
  handler: async (input) => {
    const aggregate = aggregateRisk(input.findings, input.threshold);
    const { reasoning, usage } = await writeReasoning(input.findings, aggregate, sharedModels());
    const findingsUsage = input.findings.reduce(
      (u, f) => ({
        inputTokens: u.inputTokens + f.usage.inputTokens,
        outputTokens: u.outputTokens + f.usage.outputTokens,
        totalTokens: u.totalTokens + f.usage.totalTokens,
        usd: u.usd + f.usage.usd,
      }),
      usage,
    );
    const degraded = input.findings.some((f) => f.degraded) || aggregate.degraded;
    const clearance = clearanceFor({
      riskScore: aggregate.riskScore,
      degraded,
      threshold: input.threshold,
      alerts: input.alerts ?? [],
      explanations: explanationsOf(input.findings),
      findings: input.findings,
    });
    return {
      round: input.round,
      ...aggregate,
      reasoning,
      degraded: input.findings.some((f) => f.degraded),
      findings: input.findings,
      usage: findingsUsage,
      // Without the case's alerts (a round scheduled by an older build) the policy cannot see them: no verdict.
      ...(input.alerts ? { clearance } : {}),
    };
  },
});

function mergeCounts(...tallies: Array<Partial<Record<string, number>>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of tallies) for (const [k, n] of Object.entries(t)) out[k] = (out[k] ?? 0) + (n ?? 0);
  return out;
}
