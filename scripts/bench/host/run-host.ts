/**
 * Child process: one shape on the offline host, real clock: on its engine directly, or (host-sqlite-http)
 * through the whole host with every orchestration started by a POST to the app's HTTP starter, 64 in
 * flight, as an app's own starts arrive. argv[2]: ShapeRun JSON. Prints RESULT_PREFIX + ShapeResult JSON.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadApp } from '../../offline-host/app-loader/index.js';
import { createRealClock } from '../../offline-host/clock.js';
import { createEngine, type OfflineEngine } from '../../offline-host/engine/index.js';
import { startOfflineHost } from '../../offline-host/index.js';
import { latencySummary, peakRssMb, RESULT_PREFIX, type ShapeResult, type ShapeRun } from './shapes.js';

const APP_DIR = path.join(__dirname, '..', 'app');

const IN_FLIGHT = 64;

/** Starts `size` helloCities by POSTs to the app's HTTP starter, IN_FLIGHT at a time. */
async function httpStarts(baseUrl: string, size: number): Promise<string[]> {
  const ids: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < size) {
        next++;
        const res = await fetch(`${baseUrl}/api/start/hello`, { method: 'POST' });
        const body = (await res.json()) as { instanceId?: string };
        if (res.status !== 202 || !body.instanceId)
          throw new Error(`POST /api/start/hello answered ${res.status}: ${JSON.stringify(body)}`);
        ids.push(body.instanceId);
      }
    }),
  );
  return ids;
}

async function main(): Promise<void> {
  const run = JSON.parse(process.argv[2] ?? '{}') as ShapeRun;
  const persisted = run.backend === 'host-sqlite' || run.backend === 'host-sqlite-http';
  const dataDir = persisted ? mkdtempSync(path.join(os.tmpdir(), 'bench-offline-host-')) : undefined;
  let stop: () => Promise<void>;
  try {
    let engine: OfflineEngine;
    let start: () => Promise<string[]>;
    if (run.backend === 'host-sqlite-http') {
      const host = await startOfflineHost({ appDir: APP_DIR, port: 0, clock: 'real', dataDir: dataDir! });
      engine = host.engine;
      stop = () => host.stop();
      start = () => httpStarts(host.baseUrl, run.size);
    } else {
      const invoker = await loadApp(APP_DIR);
      engine = createEngine({
        invoker,
        clock: createRealClock(),
        store: dataDir ? { dataDir } : 'memory',
        activityConcurrency: Number(process.env['BENCH_ACTIVITY_CONCURRENCY'] ?? 64),
      });
      await engine.start();
      stop = () => engine.stop();
      start = async () =>
        run.shape === 'hello-cities'
          ? await Promise.all(Array.from({ length: run.size }, () => engine.startNew('helloCities')))
          : [await engine.startNew('fanOut', { input: run.size })];
    }

    const t0 = performance.now();
    const ids = await start();
    // Completion: every instance terminal. idle() settles when nothing is runnable.
    await engine.idle();
    const wallMs = performance.now() - t0;

    let episodes = 0;
    let activities = 0;
    let completed = 0;
    const latencies: number[] = [];
    for (const id of ids) {
      const s = await engine.getStatus(id);
      if (!s) continue;
      if (s.runtimeStatus === 'Completed') completed++;
      latencies.push(Date.parse(s.lastUpdatedTime) - Date.parse(s.createdTime));
      for (const e of engine.getHistory(id) ?? []) {
        // Episodes: OrchestratorStarted (12); activity executions: TaskCompleted (5) / TaskFailed (6).
        if (e.EventType === 12) episodes++;
        if (e.EventType === 5 || e.EventType === 6) activities++;
      }
    }
    await stop();
    const result: ShapeResult = {
      ...run,
      orchestrations: ids.length,
      completed,
      episodes,
      activities,
      wallMs,
      latencies: latencySummary(latencies),
      peakRssMb: peakRssMb(),
    };
    process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
  } finally {
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
