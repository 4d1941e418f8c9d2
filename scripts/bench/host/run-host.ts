/**
 * Child process: one shape on the offline host's engine directly (no HTTP), real clock.
 * argv[2]: ShapeRun JSON. Prints RESULT_PREFIX + ShapeResult JSON.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadApp } from '../../offline-host/app-loader/index.js';
import { createRealClock } from '../../offline-host/clock.js';
import { createEngine } from '../../offline-host/engine/index.js';
import { latencySummary, peakRssMb, RESULT_PREFIX, type ShapeResult, type ShapeRun } from './shapes.js';

const APP_DIR = path.join(__dirname, '..', 'app');

async function main(): Promise<void> {
  const run = JSON.parse(process.argv[2] ?? '{}') as ShapeRun;
  const dataDir =
    run.backend === 'host-sqlite' ? mkdtempSync(path.join(os.tmpdir(), 'bench-offline-host-')) : undefined;
  try {
    const invoker = await loadApp(APP_DIR);
    const engine = createEngine({
      invoker,
      clock: createRealClock(),
      store: dataDir ? { dataDir } : 'memory',
      activityConcurrency: Number(process.env['BENCH_ACTIVITY_CONCURRENCY'] ?? 64),
    });
    await engine.start();

    const t0 = performance.now();
    const ids =
      run.shape === 'hello-cities'
        ? await Promise.all(Array.from({ length: run.size }, () => engine.startNew('helloCities')))
        : [await engine.startNew('fanOut', { input: run.size })];
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
    await engine.stop();
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
