/**
 * Child process: one shape on @microsoft/durabletask-js's InMemoryOrchestrationBackend +
 * TestOrchestrationWorker, its console logging silenced (the executors log through console.*).
 * argv[2]: ShapeRun JSON. Prints RESULT_PREFIX + ShapeResult JSON.
 */
import {
  InMemoryOrchestrationBackend,
  OrchestrationStatus,
  TestOrchestrationClient,
  TestOrchestrationWorker,
  whenAll,
  type OrchestrationContext,
} from '@microsoft/durabletask-js';
import {
  CITIES,
  latencySummary,
  peakRssMb,
  RESULT_PREFIX,
  type ShapeResult,
  type ShapeRun,
} from './shapes.js';

const silent = () => undefined;
console.log = silent;
console.info = silent;
console.debug = silent;
console.warn = silent;
console.error = silent;

async function main(): Promise<void> {
  const run = JSON.parse(process.argv[2] ?? '{}') as ShapeRun;
  const backend = new InMemoryOrchestrationBackend();
  const worker = new TestOrchestrationWorker(backend);
  const client = new TestOrchestrationClient(backend);

  const sayHello = async (_ctx: unknown, city: string) => `Hello, ${city}!`;
  worker.addNamedActivity('sayHello', sayHello);
  worker.addNamedOrchestrator('helloCities', async function* (
    ctx: OrchestrationContext,
  ): AsyncGenerator<unknown, string[], string> {
    const greetings: string[] = [];
    for (const city of CITIES) greetings.push(yield ctx.callActivity('sayHello', city));
    return greetings;
  } as never);
  worker.addNamedOrchestrator('fanOut', async function* (
    ctx: OrchestrationContext,
    count: number,
  ): AsyncGenerator<unknown, number, string[]> {
    const tasks = [];
    for (let i = 0; i < count; i++) tasks.push(ctx.callActivity<string, string>('sayHello', `city ${i}`));
    const results = yield whenAll(tasks);
    return results.length;
  } as never);
  // Count dispatched work items at the backend: one completeOrchestration per episode, one
  // completeActivity per activity execution (its history does not carry one OrchestratorStarted per episode).
  let episodes = 0;
  let activities = 0;
  const completeOrchestration = backend.completeOrchestration.bind(backend);
  const completeActivity = backend.completeActivity.bind(backend);
  backend.completeOrchestration = (...args) => {
    episodes++;
    completeOrchestration(...args);
  };
  backend.completeActivity = (...args) => {
    activities++;
    completeActivity(...args);
  };
  await worker.start();

  const t0 = performance.now();
  const ids =
    run.shape === 'hello-cities'
      ? await Promise.all(
          Array.from({ length: run.size }, () => client.scheduleNewOrchestration('helloCities')),
        )
      : [await client.scheduleNewOrchestration('fanOut', run.size)];
  const states = await Promise.all(ids.map((id) => client.waitForOrchestrationCompletion(id, false, 600)));
  const wallMs = performance.now() - t0;
  await worker.stop();

  const latencies: number[] = [];
  for (const id of ids) {
    const inst = backend.getInstance(id);
    if (!inst) continue;
    latencies.push(inst.lastUpdatedAt.getTime() - inst.createdAt.getTime());
  }
  const result: ShapeResult = {
    ...run,
    orchestrations: ids.length,
    completed: states.filter((s) => s?.runtimeStatus === OrchestrationStatus.COMPLETED).length,
    episodes,
    activities,
    wallMs,
    latencies: latencySummary(latencies),
    peakRssMb: peakRssMb(),
  };
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
