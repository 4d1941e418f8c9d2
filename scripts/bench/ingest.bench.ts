/**
 * End-to-end ingest through the offline host, persisted (SQLite in a temp dir), real clock, real HTTP:
 * simulator events for the Contoso customers POSTed to /api/telemetry in batches of 500. Cases open and
 * investigate (scripted model) while ingest goes on, as they would.
 *
 *   npm run bench -- --only ingest [--quick] [--set runs=3] [--set events=8000]
 *
 * Each run (default 3) first finds the maximum rate (closed loop: 8 requests in flight, as fast as the
 * host answers), then offers 25 %, 50 % and 100 % of that rate open loop (a batch every 500/rate s,
 * whatever the host does), each on a fresh host with the same events. Figures: events/s persisted (first
 * POST → last ingest instance completed), POST → 202, and alert → case start (POST of the batch holding
 * the alert's event → the case instance's createdTime), median (min–max) over the runs. The first run also
 * counts work items per event and per case from the engine (episodes from the histories, activity
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
import { median, spread, type BenchResult, type BenchRow, type BenchSection } from './registry';

const APP_DIR = path.resolve(__dirname, '../..');
const KEY = 'bench-key';
const BATCH = 500; // TELEMETRY_MAX_EVENTS default
const EventType = { TaskScheduled: 4, OrchestratorStarted: 12, EventSent: 14 } as const;

const GOAL_EVENTS_PER_SECOND = 2000;
const GOAL_P95_AT_HALF_MS = 1000;

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

async function postBatch(baseUrl: string, events: TelemetryEvent[]): Promise<number> {
  const t = performance.now();
  const res = await fetch(`${baseUrl}/api/telemetry`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-functions-key': KEY },
    body: JSON.stringify({ events }),
  });
  const text = await res.text();
  if (res.status !== 202)
    throw new Error(`POST /api/telemetry answered ${res.status}: ${text.slice(0, 300)}`);
  return performance.now() - t;
}

/** How batches are offered: closed loop (N in flight, next as soon as one answers) or one every ms. */
type Pace = { kind: 'closed'; inFlight: number } | { kind: 'open'; everyMs: number };

interface LevelResult {
  eventsPerSecond: number;
  alertsPerSecond: number;
  postP95Ms: number;
  caseP50Ms: number;
  caseP95Ms: number;
  cases: number;
  latencySamples: number;
  capacity?: CapacityInput;
  work?: { perEvent: number; perCase: number; entityOpsPerBatch: number; tokensPerCase: number };
}

async function startHost(dataDir: string): Promise<OfflineHost> {
  return startOfflineHost({
    appDir: APP_DIR,
    port: 0,
    clock: 'real',
    dataDir,
    functionKey: KEY,
    enableTimerTriggers: false,
    env: { SIMULATOR_ENABLED: 'false' },
    log: () => undefined,
  });
}

/** One level on a fresh host: the events offered at the pace, then everything measured. */
async function level(batches: TelemetryEvent[][], pace: Pace, countWorkItems: boolean): Promise<LevelResult> {
  const total = batches.reduce((n, b) => n + b.length, 0);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ingest-bench-'));
  const host = await startHost(dataDir);
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
    const postMs: number[] = [];
    const wallStart = Date.now();
    const send = async (batch: TelemetryEvent[]) => {
      const t = Date.now();
      for (const e of batch) postedAt.set(`${e.customerId}|${Date.parse(e.timestamp)}`, t);
      postMs.push(await postBatch(host.baseUrl, batch));
    };
    if (pace.kind === 'closed') {
      let next = 0;
      await Promise.all(
        Array.from({ length: pace.inFlight }, async () => {
          while (next < batches.length) await send(batches[next++]!);
        }),
      );
    } else {
      const sent: Promise<void>[] = [];
      for (let i = 0; i < batches.length; i++) {
        const due = wallStart + i * pace.everyMs;
        await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
        sent.push(send(batches[i]!));
      }
      await Promise.all(sent);
    }
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
    const result: LevelResult = {
      eventsPerSecond: total / seconds,
      alertsPerSecond: alerts / seconds,
      postP95Ms: percentile(postMs, 95),
      caseP50Ms: percentile(latencies, 50),
      caseP95Ms: percentile(latencies, 95),
      cases: cases.length,
      latencySamples: latencies.length,
    };
    if (!countWorkItems) return result;

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
    const assessed = cases
      .map((c) => (c.runtimeStatus === 'Completed' ? c.output : c.customStatus) as CaseStatus | null)
      .filter(
        (st): st is CaseStatus =>
          !!st && (st.stage === 'awaiting_decision' || st.stage === 'closed') && !!st.risk,
      );
    const tokensPerCase = assessed.length
      ? assessed.reduce((n, st) => n + st.usage.tokens, 0) / assessed.length
      : 0;
    result.work = {
      perEvent,
      perCase,
      entityOpsPerBatch: opsRun / Math.max(1, batchesRun),
      tokensPerCase,
    };
    result.capacity = {
      workItemsPerEvent: perEvent,
      workItemsPerCase: perCase,
      casesPerEvent: cases.length / total,
      tokensPerCase,
      tokensPerMinute: 1_000_000,
      eventsPerSecondPerInstance: result.eventsPerSecond,
      maxInstances: 100,
    };
    return result;
  } finally {
    console.log = silence;
    await host.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const int = (v: number) => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : '-');

export const section: BenchSection = {
  name: 'ingest',
  title:
    'Ingest under load: the real app over HTTP on the offline host (SQLite), max rate then 25/50/100 % of it',
  async run(opts): Promise<BenchResult> {
    const total = Number(opts.settings['events'] ?? (opts.quick ? 3_000 : 8_000));
    const runs = Number(opts.settings['runs'] ?? (opts.quick ? 1 : 3));
    const inFlight = 8;
    const events = simulatorEvents(total);
    const batches: TelemetryEvent[][] = [];
    for (let i = 0; i < events.length; i += BATCH) batches.push(events.slice(i, i + BATCH));
    const fractions = [0.25, 0.5, 1];
    const byLevel = new Map<string, LevelResult[]>();
    const add = (label: string, r: LevelResult) => byLevel.set(label, [...(byLevel.get(label) ?? []), r]);
    let first: LevelResult | undefined;
    for (let run = 0; run < runs; run++) {
      opts.log(`run ${run + 1}/${runs}: maximum rate (closed loop, ${inFlight} in flight)...`);
      const max = await level(batches, { kind: 'closed', inFlight }, run === 0);
      first ??= max;
      add('max', max);
      opts.log(`  ${int(max.eventsPerSecond)} events/s`);
      for (const f of fractions) {
        const rate = f * max.eventsPerSecond;
        opts.log(`run ${run + 1}/${runs}: ${f * 100} % of it, ${int(rate)} events/s offered...`);
        add(`${f * 100} %`, await level(batches, { kind: 'open', everyMs: (BATCH / rate) * 1000 }, false));
      }
    }
    const rows: BenchRow[] = [...byLevel].map(([label, rs]) => ({
      labels: {
        load: label === 'max' ? `max (closed loop, ${inFlight} in flight)` : `${label} of max (open loop)`,
      },
      metrics: {
        runs: String(rs.length),
        'events/s persisted': spread(
          rs.map((r) => r.eventsPerSecond),
          int,
        ),
        'alerts/s': spread(
          rs.map((r) => r.alertsPerSecond),
          (v) => v.toFixed(1),
        ),
        'POST p95 ms': spread(
          rs.map((r) => r.postP95Ms),
          int,
        ),
        'alert→case p50 ms': spread(
          rs.map((r) => r.caseP50Ms),
          int,
        ),
        'alert→case p95 ms': spread(
          rs.map((r) => r.caseP95Ms),
          int,
        ),
        cases: String(median(rs.map((r) => r.cases))),
      },
    }));
    const maxRate = median((byLevel.get('max') ?? []).map((r) => r.eventsPerSecond));
    const halfP95 = median((byLevel.get('50 %') ?? []).map((r) => r.caseP95Ms));
    const notes = [
      `${total.toLocaleString('en-US')} simulator events per level, ${customers().length} Contoso customers, batches of ${BATCH}, SQLite in a temp dir, a fresh host per level, Node ${process.version}; median (min–max) over ${runs} run(s).`,
      `Maximum ${int(maxRate)} events/s persisted: ${maxRate >= GOAL_EVENTS_PER_SECOND ? 'meets' : 'MISSES'} the goal of ${int(GOAL_EVENTS_PER_SECOND)}; alert → case start p95 at half of it ${int(halfP95)} ms: ${halfP95 <= GOAL_P95_AT_HALF_MS ? 'meets' : 'MISSES'} the goal of ≤ ${int(GOAL_P95_AT_HALF_MS)} ms.`,
    ];
    if (first?.work && first.capacity) {
      const w = first.work;
      notes.push(
        `Work items (first run, max level): ${w.perEvent.toFixed(3)} per event, ${w.perCase.toFixed(1)} per case (to assessment or close), ${w.entityOpsPerBatch.toFixed(2)} entity operations per batch, ${int(w.tokensPerCase)} tokens per assessed case (scripted model accounting).`,
        `Capacity (from those work items; scheduler actions ≈ work items):\n${capacityMarkdown(first.capacity)}`,
      );
    }
    return { rows, notes };
  },
};
