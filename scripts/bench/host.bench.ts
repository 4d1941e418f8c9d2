/**
 * The offline host against the goals: "hello cities" (N orchestrations × 5 sequential activities,
 * started at once, and the same started by POSTs to the app's HTTP starter) and a fan-out (1
 * orchestration × 1,000 parallel activities), persisted and in-memory, beside the same shapes on
 * durabletask-js's in-memory test backend, in the same run. Every row runs `runs` times (default 3),
 * backends interleaved so a load spike hits them alike; each run is its own child process. Figures are
 * the median with the spread (min–max); the ratio to the peer is taken within each run.
 * Work items = orchestration episodes + activity executions (what DTS counts as dispatched actions).
 *
 *   npm run bench -- --only host [--quick] [--set runs=3] [--set n=2000] [--set fanout=1000]
 */
import { median, spread, type BenchResult, type BenchRow, type BenchSection } from './registry.js';
import { runInChild } from './host/child.js';
import {
  BACKEND_LABELS,
  SHAPE_LABELS,
  type BackendName,
  type ShapeName,
  type ShapeResult,
} from './host/shapes.js';

const DTS_CU_ACTIONS_PER_SECOND = 2000;
const HTTP_STARTS_GOAL = 4000;

const workRate = (r: ShapeResult) => (r.episodes + r.activities) / (r.wallMs / 1000);

const int = (v: number) => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : '-');
const ratio = (v: number) => `${v.toFixed(2)}×`;

function row(shape: string, backend: BackendName, runs: ShapeResult[], peers: ShapeResult[]): BenchRow {
  const peerOf = (i: number) => peers[i];
  const rates = runs.map(workRate);
  const rateRatios = runs.map((r, i) => (peerOf(i) ? workRate(r) / workRate(peerOf(i)!) : NaN));
  const speeds = runs.map((r, i) => (peerOf(i) ? peerOf(i)!.wallMs / r.wallMs : NaN));
  const completed = runs.reduce((n, r) => n + r.completed, 0);
  const started = runs.reduce((n, r) => n + r.orchestrations, 0);
  return {
    labels: { shape, backend: BACKEND_LABELS[backend] },
    metrics: {
      runs: String(runs.length),
      completed: `${completed}/${started}`,
      'work items/s': spread(rates, int),
      'p50 ms': spread(
        runs.map((r) => r.latencies.p50),
        int,
      ),
      'p95 ms': spread(
        runs.map((r) => r.latencies.p95),
        int,
      ),
      'peak RSS MB': median(runs.map((r) => r.peakRssMb)),
      // Rate ratio: work items/s against the peer's. The peer's worker runs one episode per activity
      // completion while the host batches completions, so on fan-out the same logical work is fewer
      // work items here: compare wall time there ("speed").
      'rate vs peer': peers.length ? spread(rateRatios, ratio) : '-',
      'speed vs peer': peers.length ? spread(speeds, ratio) : '-',
    },
  };
}

export const section: BenchSection = {
  name: 'host',
  title:
    'Offline host throughput beside durabletask-js in-memory (work items/s = episodes + activity executions)',
  async run(opts): Promise<BenchResult> {
    const n = Number(opts.settings['n'] ?? (opts.quick ? 500 : 2000));
    const fan = Number(opts.settings['fanout'] ?? (opts.quick ? 200 : 1000));
    const runs = Number(opts.settings['runs'] ?? (opts.quick ? 1 : 3));
    const shapes: Array<[ShapeName, number, BackendName[]]> = [
      ['hello-cities', n, ['host-sqlite', 'host-sqlite-http', 'host-memory', 'durabletask-js']],
      ['fan-out', fan, ['host-sqlite', 'host-memory', 'durabletask-js']],
    ];
    const rows: BenchRow[] = [];
    const notes: string[] = [];
    for (const [shape, size, backends] of shapes) {
      const results = new Map<BackendName, ShapeResult[]>(backends.map((b) => [b, []]));
      for (let i = 0; i < runs; i++) {
        for (const backend of backends) {
          opts.log(`${SHAPE_LABELS[shape](size)} on ${BACKEND_LABELS[backend]} (run ${i + 1}/${runs})...`);
          results.get(backend)!.push(await runInChild({ shape, backend, size }));
        }
      }
      const peers = results.get('durabletask-js') ?? [];
      for (const backend of backends) {
        const own = results.get(backend)!;
        rows.push(row(SHAPE_LABELS[shape](size), backend, own, backend === 'durabletask-js' ? [] : peers));
      }
      const med = (b: BackendName) => median((results.get(b) ?? []).map(workRate));
      const memRatio = median(
        (results.get('host-memory') ?? []).map((r, i) => workRate(r) / workRate(peers[i]!)),
      );
      const goal = (v: number, g: number) => (v >= g ? 'meets' : 'MISSES');
      notes.push(
        `${SHAPE_LABELS[shape](size)}: persisted ${int(med('host-sqlite'))} work items/s (median) ${goal(med('host-sqlite'), DTS_CU_ACTIONS_PER_SECOND)} ${int(DTS_CU_ACTIONS_PER_SECOND)}/s (one DTS capacity unit); ` +
          (backends.includes('host-sqlite-http')
            ? `with HTTP starts ${int(med('host-sqlite-http'))} ${goal(med('host-sqlite-http'), HTTP_STARTS_GOAL)} the goal of ${int(HTTP_STARTS_GOAL)}/s; `
            : '') +
          `in-memory ${ratio(memRatio)} the peer's rate (median of per-run ratios) ${goal(memRatio, 1)} the goal of ≥ 1.00×.`,
      );
    }
    notes.push(
      `Each row ran ${runs} time(s), backends interleaved, each in its own child process (peak RSS is that process); median (min–max).`,
      'Latency = completion − creation per orchestration, all started at once (HTTP starts: 64 POSTs in flight).',
      'speed vs peer = peer wall time / this wall time for the same shape in the same run. Peer console logging silenced.',
    );
    return { rows, notes };
  },
};
