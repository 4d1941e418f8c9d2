/**
 * Offline investigation, in process: three specialists in parallel (Promise.all, as the orchestration
 * fans out), then aggregation and the reasoning, with the scripted model over the Contoso tools.
 *
 *   npm run bench -- --only investigation [--quick]
 *
 * 1. latency of one full investigation (p50/p95) with no injected model latency: the cost of our code,
 *    the tools and the scripted model's analysis;
 * 2. fan-out overlap with 500 ms injected per model call: wall time of the parallel fan-out against the
 *    sum of the same three specialists run one after another.
 */
import type { Models } from '../../src/agents/model';
import { scriptedModel } from '../../src/agents/scripted-model';
import type { Alert } from '../../src/detection/schema';
import { aggregateRisk, writeReasoning } from '../../src/investigation/aggregate';
import { runSpecialist, type SpecialistInput } from '../../src/investigation/specialists';
import type { SpecialistName } from '../../src/investigation/types';
import { customers } from '../../src/tools';
import { runStandalone, type BenchFigure, type FigureBench } from './registry';

const NAMES: SpecialistName[] = ['usage', 'location', 'billing'];

function inputFor(customerId: string, i: number): SpecialistInput {
  const alert: Alert = {
    alertId: `bench-${i}`,
    customerId,
    rule: 'manual',
    severity: 'high',
    description: 'bench',
    detectedAt: '2026-11-22T16:00:00Z',
    events: [],
  };
  return { caseId: `case-bench-${i}`, round: 1, alert, priorRounds: [], feedback: [], newEvidence: [] };
}

async function investigate(input: SpecialistInput, models: Models, maxIterations: number) {
  const results = await Promise.all(NAMES.map((n) => runSpecialist(n, input, { models, maxIterations })));
  const findings = results.map((r) => r.findings);
  const aggregate = aggregateRisk(findings, { severity: input.alert.severity });
  const { reasoning } = await writeReasoning(findings, aggregate, models);
  return { aggregate, reasoning, modelCalls: findings.reduce((s, f) => s + f.toolCalls.length, 0) };
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

export const bench: FigureBench = {
  name: 'investigation',
  async run({ quick }): Promise<BenchFigure[]> {
    const ids = customers().map((c) => c.id);
    const figures: BenchFigure[] = [];

    // 1. Latency without injected model latency.
    const fast: Models = { primary: scriptedModel() };
    const n = quick ? 30 : 300;
    await investigate(inputFor(ids[0]!, -1), fast, 6); // warm-up: dataset generation, BM25 index, JIT
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const started = performance.now();
      await investigate(inputFor(ids[i % ids.length]!, i), fast, 6);
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    figures.push(
      {
        metric: 'investigation p50 (scripted, 0 ms model latency)',
        value: percentile(times, 50),
        unit: 'ms',
        note: `n=${n}, 3 specialists + aggregate + reasoning, customers C001..C${String(ids.length).padStart(3, '0')} in turn`,
      },
      {
        metric: 'investigation p95 (scripted, 0 ms model latency)',
        value: percentile(times, 95),
        unit: 'ms',
        note: `n=${n}`,
      },
    );

    // 2. Fan-out overlap with 500 ms per model call.
    let calls = 0;
    const latent = scriptedModel({ latencyMs: 500 });
    const slow: Models = {
      primary: { name: latent.name, complete: (req) => (calls++, latent.complete(req)) },
    };
    const rounds = quick ? 1 : 3;
    let parallel = 0;
    let assessment = 0;
    let sequential = 0;
    const perSpecialist: number[] = [];
    for (let r = 0; r < rounds; r++) {
      // A takeover-shaped customer: every specialist has something to read.
      const input = inputFor('C042', 1000 + r);
      let started = performance.now();
      await Promise.all(NAMES.map((name) => runSpecialist(name, input, { models: slow, maxIterations: 6 })));
      parallel += performance.now() - started;
      started = performance.now();
      await investigate(input, slow, 6);
      assessment += performance.now() - started;
      for (const name of NAMES) {
        calls = 0;
        started = performance.now();
        await runSpecialist(name, input, { models: slow, maxIterations: 6 });
        sequential += performance.now() - started;
        if (r === 0) perSpecialist.push(calls);
      }
    }
    parallel /= rounds;
    assessment /= rounds;
    sequential /= rounds;
    const split = NAMES.map((name, i) => `${name} ${perSpecialist[i]}`).join(', ');
    figures.push(
      {
        metric: 'fan-out wall time, parallel (500 ms per model call)',
        value: parallel,
        unit: 'ms',
        note: `mean of ${rounds}; model calls per specialist: ${split}`,
      },
      {
        metric: 'fan-out sequential sum (same specialists one by one)',
        value: sequential,
        unit: 'ms',
        note: `mean of ${rounds}`,
      },
      {
        metric: 'fan-out overlap (sequential / parallel)',
        value: sequential / parallel,
        unit: 'x',
        note: 'bounded by total calls / calls of the slowest specialist',
      },
      {
        metric: 'assessment wall time (fan-out + aggregate + reasoning)',
        value: assessment,
        unit: 'ms',
        note: 'the reasoning is one more 500 ms model call',
      },
    );
    return figures;
  },
};

if (require.main === module) runStandalone(bench);
