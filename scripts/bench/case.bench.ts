/**
 * Offline investigations through the offline host (real clock, SQLite in a temp dir): the real
 * investigateCase orchestration, its activities and entities, the scripted model over the Contoso tools.
 *
 *   npm run bench -- --only case [--quick]      or      npx tsx scripts/bench/case.bench.ts [--quick]
 *
 * 1. Latency from case start to assessment (instance createdTime → the timeline's `assessed` entry,
 *    which the orchestration stamps with its replay-safe clock), one case at a time, p50/p95.
 * 2. Fan-out overlap: the same host with SCRIPTED_MODEL_LATENCY_MS=500. Assessment wall time against
 *    the sequential sum = (model calls of the three specialists + the reasoning call) × 500 ms; the call
 *    counts come from running the same specialists in process with a counting scripted model (the
 *    scripted model is deterministic, so the host's run makes the same calls).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startOfflineHost, type OfflineHost } from '../offline-host/index';
import type { Models } from '../../src/agents/model';
import { scriptedModel } from '../../src/agents/scripted-model';
import type { CaseInput, CaseStatus } from '../../src/cases/types';
import type { Alert } from '../../src/detection/schema';
import { runSpecialist } from '../../src/investigation/specialists';
import { SpecialistName } from '../../src/investigation/types';
import { Orchestrations } from '../../src/names';
import { customers } from '../../src/tools';
import { runStandalone, type BenchFigure, type FigureBench } from './registry';

const APP_DIR = path.resolve(__dirname, '../..');
const LATENCY_MS = 500;
const SETTINGS = { riskThreshold: 0.6, decisionTimeoutHours: 72, maxRounds: 3 };

function alertFor(customerId: string, i: number): Alert {
  const timestamp = new Date(Date.UTC(2026, 2, 31, 10, 0, 0) + i * 60_000).toISOString();
  return {
    alertId: `bench-${customerId}-${i}`,
    customerId,
    rule: 'large_transaction',
    severity: 'high',
    description: 'Transaction of $1,200.00 at Electronics Hub',
    detectedAt: timestamp,
    events: [{ type: 'transaction', customerId, timestamp, amount: 1200, merchant: 'Electronics Hub' }],
  };
}

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
};

async function withHost<T>(env: Record<string, string>, fn: (host: OfflineHost) => Promise<T>): Promise<T> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'case-bench-'));
  const host = await startOfflineHost({
    appDir: APP_DIR,
    port: 0,
    clock: 'real',
    dataDir,
    functionKey: 'bench-key',
    enableTimerTriggers: false,
    env: { SIMULATOR_ENABLED: 'false', ...env },
    log: () => undefined,
  });
  const silence = console.log;
  console.log = () => undefined; // the app logs every stage change
  try {
    return await fn(host);
  } finally {
    console.log = silence;
    await host.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Starts one case and waits until it is assessed; returns createdTime → `assessed` in ms, and the status. */
async function assess(host: OfflineHost, alert: Alert): Promise<{ ms: number; status: CaseStatus }> {
  const caseId = `case-${alert.alertId}`;
  const input: CaseInput = {
    schemaVersion: 1,
    caseId,
    customerId: alert.customerId,
    alert,
    settings: SETTINGS,
    openedBy: 'manual',
  };
  await host.engine.startNew(Orchestrations.investigateCase, { instanceId: caseId, input });
  const s = await host.waitForStatus(
    caseId,
    (st) => {
      const cs = (st.runtimeStatus === 'Completed' ? st.output : st.customStatus) as CaseStatus | null;
      return (
        !!cs?.timeline?.some((t) => t.event === 'assessed') ||
        ['Failed', 'Terminated'].includes(st.runtimeStatus)
      );
    },
    60_000,
  );
  const cs = (s.runtimeStatus === 'Completed' ? s.output : s.customStatus) as CaseStatus;
  const assessed = cs?.timeline?.find((t) => t.event === 'assessed');
  if (!assessed) throw new Error(`case ${caseId} ended ${s.runtimeStatus} without an assessment`);
  return { ms: Date.parse(assessed.at) - Date.parse(s.createdTime), status: cs };
}

/** Model calls each specialist makes for this alert (deterministic scripted model, no latency). */
async function modelCallsFor(alert: Alert): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const name of SpecialistName.options) {
    let calls = 0;
    const base = scriptedModel();
    const models: Models = { primary: { name: base.name, complete: (req) => (calls++, base.complete(req)) } };
    await runSpecialist(
      name,
      { caseId: `case-${alert.alertId}`, round: 1, alert, priorRounds: [], feedback: [], newEvidence: [] },
      { models, maxIterations: 6 },
    );
    counts[name] = calls;
  }
  return counts;
}

async function run(opts: { quick: boolean }): Promise<BenchFigure[]> {
  const ids = customers().map((c) => c.id);
  const n = opts.quick ? 20 : 120;
  const fanOutCases = opts.quick ? 2 : 5;

  const latencies = await withHost({}, async (host) => {
    await assess(host, alertFor(ids[0]!, -1)); // warm-up: dataset, BM25 index, JIT
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push((await assess(host, alertFor(ids[i % ids.length]!, i))).ms);
    return out;
  });

  const fanOut = await withHost({ SCRIPTED_MODEL_LATENCY_MS: String(LATENCY_MS) }, async (host) => {
    const out: Array<{ wall: number; sequential: number; calls: Record<string, number> }> = [];
    for (let i = 0; i < fanOutCases; i++) {
      const alert = alertFor('C042', 1000 + i); // a takeover-shaped customer: every specialist reads something
      const calls = await modelCallsFor(alert);
      const { ms } = await assess(host, alert);
      const specialistCalls = Object.values(calls).reduce((a, b) => a + b, 0);
      out.push({ wall: ms, sequential: (specialistCalls + 1) * LATENCY_MS, calls });
    }
    return out;
  });
  const wall = fanOut.reduce((a, r) => a + r.wall, 0) / fanOut.length;
  const sequential = fanOut.reduce((a, r) => a + r.sequential, 0) / fanOut.length;
  const split = Object.entries(fanOut[0]!.calls)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const slowest = Math.max(...Object.values(fanOut[0]!.calls));

  return [
    {
      metric: 'case_start_to_assessment_p50',
      value: Math.round(percentile(latencies, 50)),
      unit: 'ms',
      note: `n=${n}, one case at a time, scripted model, 0 ms model latency, through the offline host (SQLite)`,
    },
    {
      metric: 'case_start_to_assessment_p95',
      value: Math.round(percentile(latencies, 95)),
      unit: 'ms',
      note: `n=${n}`,
    },
    {
      metric: 'fanout_assessment_wall',
      value: Math.round(wall),
      unit: 'ms',
      note: `mean of ${fanOut.length} cases (C042), ${LATENCY_MS} ms per model call`,
    },
    {
      metric: 'fanout_sequential_sum',
      value: Math.round(sequential),
      unit: 'ms',
      note: `(specialist calls: ${split}; + 1 reasoning call) × ${LATENCY_MS} ms`,
    },
    {
      metric: 'fanout_overlap',
      value: Math.round((sequential / wall) * 100) / 100,
      unit: 'x',
      note: `sequential sum ÷ wall; floor is (slowest specialist ${slowest} + 1) × ${LATENCY_MS} ms = ${(slowest + 1) * LATENCY_MS} ms`,
    },
  ];
}

export const bench: FigureBench = { name: 'case', run };

if (require.main === module) runStandalone(bench);
