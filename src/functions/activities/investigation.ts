import { createModels } from '../../agents/models';
import type { Models } from '../../agents/model';
import { config } from '../../config';
import { activities } from '../../durable/activities';
import { registerActivity } from '../../durable/typed';
import { aggregateRisk, writeReasoning } from '../../investigation/aggregate';
import { runSpecialist } from '../../investigation/specialists';
import { recordAdvance } from '../../records/writes';

/** One model client per worker process: SDK clients keep connections and token caches. */
let models: Models | undefined;
const sharedModels = () => (models ??= createModels(config()));

registerActivity(activities.investigateSpecialist, {
  handler: async (input, context) => {
    const cfg = config();
    const { caseId, round, alert } = input;
    // The case index learns a new round as soon as it starts (after a reject, it is no longer awaiting).
    const at = new Date().toISOString();
    const advance = { caseId, customerId: alert.customerId, rule: alert.rule, round, at };
    await recordAdvance({ ...advance, stage: 'investigating' }, (m) => context.warn(m));
    const { findings, transcript } = await runSpecialist(
      input.specialist,
      {
        caseId: input.caseId,
        round: input.round,
        alert: input.alert,
        priorRounds: input.priorRounds,
        feedback: input.feedback,
        newEvidence: input.newEvidence,
      },
      {
        models: sharedModels(),
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
    return {
      round: input.round,
      ...aggregate,
      reasoning,
      degraded: input.findings.some((f) => f.degraded),
      findings: input.findings,
      usage: findingsUsage,
    };
  },
});
