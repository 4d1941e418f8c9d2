/**
 * Quick engine throughput check (the formal benchmark is `npm run bench`):
 *   npx tsx test/offline-host/engine/measure-throughput.ts [chainInstances=2000] [fanOutSize=1000]
 * Work items = activity executions + orchestration episodes, counted from the recorded histories.
 * Prints wall-clock and CPU-time rates (CPU rates stay comparable on a busy machine).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadApp } from '../../../scripts/offline-host/app-loader/index.js';
import { createRealClock } from '../../../scripts/offline-host/clock.js';
import { createEngine } from '../../../scripts/offline-host/engine/index.js';
import { FIXTURES } from './harness.js';

async function measure(shape: 'chain' | 'fanout', store: 'memory' | 'sqlite', size: number): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'offline-host-throughput-'));
  const app = await loadApp(path.join(FIXTURES, shape), { log: () => {} });
  const engine = createEngine({
    invoker: app,
    store: store === 'memory' ? 'memory' : { dataDir },
    clock: createRealClock(),
  });
  await engine.start();
  const started = performance.now();
  const cpu = process.cpuUsage();
  const ids =
    shape === 'chain'
      ? await Promise.all(Array.from({ length: size }, () => engine.startNew('helloCities')))
      : [await engine.startNew('fanOut', { input: size })];
  await engine.idle();
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  let items = 0;
  for (const id of ids) {
    for (const e of engine.getHistory(id) ?? []) if (e.EventType === 12 || e.EventType === 4) items++;
  }
  await engine.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
  const rate = (ms: number) => Math.round(items / (ms / 1000));
  console.log(
    `${shape.padEnd(6)} ${store.padEnd(6)} size=${size} items=${items} wall=${Math.round(wallMs)}ms ` +
      `(${rate(wallMs)}/s) cpu=${Math.round(cpuMs)}ms (${rate(cpuMs)}/cpu-s) rss=${Math.round(process.memoryUsage().rss / 1e6)}MB`,
  );
}

async function main(): Promise<void> {
  const chain = Number(process.argv[2] ?? 2000);
  const fanOut = Number(process.argv[3] ?? 1000);
  for (const store of ['memory', 'sqlite'] as const) {
    await measure('chain', store, chain);
    await measure('fanout', store, fanOut);
  }
}

void main();
