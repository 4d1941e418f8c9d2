/**
 * End-to-end ingest through the offline host, persisted (SQLite in a temp dir), real clock, real HTTP:
 * simulator events for the Contoso customers POSTed to /api/telemetry in batches, a bounded number of
 * requests in flight. Cases open and investigate (scripted model) while ingest goes on, as they would.
 *
 *   npm run bench -- --only ingest [--quick]      or      npx tsx scripts/bench/ingest.bench.ts [--quick]
 *
 * Figures: events/s and alerts/s (first POST → last ingest instance completed), p95 ingest-to-case-start
 * (POST of the batch holding the alert's event → the case instance's createdTime), and work items per
 * event and per case counted from the engine (orchestrator episodes from the histories, activity
 * executions and entity batches from the invoker), which feed the capacity table (capacity.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startOfflineHost, type OfflineHost } from '../offline-host/index';
import type { CaseStatus } from '../../src/cases/types';
import { alertIdFor } from '../../src/detection/rules';
import type { TelemetryEvent } from '../../src/detection/schema';
import { Orchestrations } from '../../src/names';
import { customers } from '../../src/tools';
import { capacityMarkdown, type CapacityInput } from './capacity';
import { simulatorEvents } from './load/telemetry';
import { runStandalone, type BenchFigure, type FigureBench } from './registry';

const APP_DIR = path.resolve(__dirname, '../..');
const KEY = 'bench-key';
const BATCH = 500; // TELEMETRY_MAX_EVENTS default
const EventType = { TaskScheduled: 4, OrchestratorStarted: 12, EventSent: 14 } as const;

const percentile = (values: number[], p: number): number => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
};

/** Counts activity executions and entity batches as the engine dispatches them. */
function countWork(host: OfflineHost) {
  const counts = { activities: 0, entityBatches: 0, entityOps: 0 };
  const invoker = host.invoker as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const activity = invoker['invokeActivity']!.bind(invoker);
  const entity = invoker['invokeEntity']!.bind(invoker);
  invoker['invokeActivity'] = (...args) => {
    counts.activities++;
    return activity(...args);
  };
  invoker['invokeEntity'] = (...args) => {
    counts.entityBatches++;
    counts.entityOps += ((args[1] as { batch?: unknown[] }).batch ?? []).length;
    return entity(...args);
  };
  return counts;
}

/** Work items an instance caused, from its history: episodes, activity attempts, entity operations sent. */
function historyWork(host: OfflineHost, instanceId: string) {
  const h = host.engine.getHistory(instanceId) ?? [];
  let episodes = 0;
  let activities = 0;
  let entityOps = 0;
  for (const e of h) {
    if (e.EventType === EventType.OrchestratorStarted) episodes++;
    else if (e.EventType === EventType.TaskScheduled) activities++;
    else if (e.EventType === EventType.EventSent && String(e['InstanceId'] ?? '').startsWith('@'))
      entityOps++;
  }
  return { episodes, activities, entityOps };
}

async function postBatch(baseUrl: string, events: TelemetryEvent[]): Promise<void> {
  const res = await fetch(`${baseUrl}/api/telemetry`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-functions-key': KEY },
    body: JSON.stringify({ events }),
  });
  const text = await res.text();
  if (res.status !== 202)
    throw new Error(`POST /api/telemetry answered ${res.status}: ${text.slice(0, 300)}`);
}

async function run(opts: { quick: boolean }): Promise<BenchFigure[]> {
  const total = opts.quick ? 5_000 : 20_000;
  const inFlight = 8;
  const events = simulatorEvents(total);
  const batches: TelemetryEvent[][] = [];
  for (let i = 0; i < events.length; i += BATCH) batches.push(events.slice(i, i + BATCH));

  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ingest-bench-'));
  const host = await startOfflineHost({
    appDir: APP_DIR,
    port: 0,
    clock: 'real',
    dataDir,
    functionKey: KEY,
    enableTimerTriggers: false,
    env: { SIMULATOR_ENABLED: 'false' },
    log: () => undefined,
  });
  const silence = console.log;
  console.log = () => undefined; // the app logs every stage change; keep the bench output readable
  try {
    const work = countWork(host);
    // Warm-up (JIT, dataset, SQLite): one small batch from other days, not counted.
    await postBatch(
      host.baseUrl,
      simulatorEvents(200).map((e) => ({
        ...e,
        timestamp: new Date(Date.parse(e.timestamp) - 30 * 86_400_000).toISOString(),
      })),
    );
    await host.engine.idle();
    const before = { ...work };
    const existing = new Set((await host.engine.query({})).instances.map((i) => i.instanceId));

    // When each event's batch was posted: the alert id names the event (customer + time).
    const postedAt = new Map<string, number>();
    const started = performance.now();
    const wallStart = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (next < batches.length) {
          const batch = batches[next++]!;
          const t = Date.now();
          for (const e of batch) postedAt.set(`${e.customerId}|${Date.parse(e.timestamp)}`, t);
          await postBatch(host.baseUrl, batch);
        }
      }),
    );
    const postsDone = performance.now();
    await host.engine.idle();
    const { instances } = await host.engine.query({ top: 1_000_000 });
    const fresh = instances.filter((i) => !existing.has(i.instanceId));
    const ingests = fresh.filter((i) => i.name === Orchestrations.ingestTelemetry);
    const cases = fresh.filter((i) => i.name === Orchestrations.investigateCase);
    const incomplete = ingests.filter((i) => i.runtimeStatus !== 'Completed');
    if (incomplete.length)
      throw new Error(
        `${incomplete.length} ingest instances did not complete (e.g. ${incomplete[0]!.instanceId}: ${incomplete[0]!.runtimeStatus})`,
      );
    const lastIngest = Math.max(...ingests.map((i) => Date.parse(i.lastUpdatedTime)));
    const seconds = (lastIngest - wallStart) / 1000;
    const alerts = ingests.reduce(
      (n, i) => n + ((i.output as { alerts?: unknown[] } | null)?.alerts?.length ?? 0),
      0,
    );

    const latencies: number[] = [];
    for (const c of cases) {
      const alert = (c.input as { alert?: { customerId: string; detectedAt: string; rule: string } } | null)
        ?.alert;
      if (!alert) continue;
      const t = Date.parse(alert.detectedAt);
      if (`case-${alertIdFor(alert.customerId, alert.rule as never, t)}` !== c.instanceId) continue; // reopened under another alert
      const posted = postedAt.get(`${alert.customerId}|${t}`);
      if (posted !== undefined) latencies.push(Date.parse(c.createdTime) - posted);
    }

    const sum = (ids: { instanceId: string }[]) =>
      ids
        .map((i) => historyWork(host, i.instanceId))
        .reduce(
          (a, b) => ({
            episodes: a.episodes + b.episodes,
            activities: a.activities + b.activities,
            entityOps: a.entityOps + b.entityOps,
          }),
          { episodes: 0, activities: 0, entityOps: 0 },
        );
    const ing = sum(ingests);
    const cs = sum(cases);
    const perEvent = (ing.episodes + ing.activities + ing.entityOps) / total;
    const perCase = cases.length ? (cs.episodes + cs.activities + cs.entityOps) / cases.length : NaN;
    const batchesRun = work.entityBatches - before.entityBatches;
    const opsRun = work.entityOps - before.entityOps;
    const activitiesRun = work.activities - before.activities;
    const assessed = cases
      .map((c) => (c.runtimeStatus === 'Completed' ? c.output : c.customStatus) as CaseStatus | null)
      .filter(
        (s): s is CaseStatus => !!s && (s.stage === 'awaiting_decision' || s.stage === 'closed') && !!s.risk,
      );
    const tokensPerCase = assessed.length
      ? assessed.reduce((n, s) => n + s.usage.tokens, 0) / assessed.length
      : 0;

    const eventsPerSecond = total / seconds;
    const capacity: CapacityInput = {
      workItemsPerEvent: perEvent,
      workItemsPerCase: perCase,
      casesPerEvent: cases.length / total,
      tokensPerCase,
      tokensPerMinute: 1_000_000,
      eventsPerSecondPerInstance: eventsPerSecond,
      maxInstances: 100,
    };
    console.log = silence;
    console.log(
      `\n  capacity (from this run; scheduler actions ≈ work items):\n${capacityMarkdown(capacity).replace(/^/gm, '  ')}\n`,
    );

    const shape = `${total.toLocaleString('en-US')} simulator events, ${customers().length} Contoso customers, batches of ${BATCH}, ${inFlight} requests in flight, SQLite in a temp dir, Node ${process.version}`;
    return [
      {
        metric: 'ingest_events_per_second',
        value: Math.round(eventsPerSecond),
        unit: 'events/s',
        note: `${shape}; goal ≥ 1,000`,
      },
      {
        metric: 'ingest_alerts_per_second',
        value: Math.round((alerts / seconds) * 10) / 10,
        unit: 'alerts/s',
        note: `${alerts} alerts`,
      },
      {
        metric: 'ingest_http_seconds',
        value: Math.round((postsDone - started) / 10) / 100,
        unit: 's',
        note: 'first POST → last 202',
      },
      {
        metric: 'ingest_to_case_start_p50',
        value: percentile(latencies, 50),
        unit: 'ms',
        note: `${latencies.length} cases opened by detection`,
      },
      {
        metric: 'ingest_to_case_start_p95',
        value: percentile(latencies, 95),
        unit: 'ms',
        note: 'POST of the batch → case createdTime',
      },
      {
        metric: 'cases_opened',
        value: cases.length,
        unit: 'cases',
        note: `${assessed.length} assessed by the end`,
      },
      {
        metric: 'work_items_per_event',
        value: Math.round(perEvent * 1000) / 1000,
        unit: 'items',
        note: `ingest: ${ing.episodes} episodes + ${ing.activities} activities + ${ing.entityOps} entity ops, ÷ events`,
      },
      {
        metric: 'work_items_per_case',
        value: Math.round(perCase * 10) / 10,
        unit: 'items',
        note: `cases: ${cs.episodes} episodes + ${cs.activities} activities + ${cs.entityOps} entity ops, ÷ cases (to assessment or close)`,
      },
      {
        metric: 'entity_ops_per_batch',
        value: Math.round((opsRun / Math.max(1, batchesRun)) * 100) / 100,
        unit: 'ops',
        note: `${opsRun} entity operations in ${batchesRun} batches; ${activitiesRun} activity executions in all`,
      },
      {
        metric: 'tokens_per_case',
        value: Math.round(tokensPerCase),
        unit: 'tokens',
        note: 'scripted model accounting, per assessed case',
      },
    ];
  } finally {
    console.log = silence;
    await host.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export const bench: FigureBench = { name: 'ingest', run };

if (require.main === module) runStandalone(bench);
