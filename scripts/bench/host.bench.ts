/**
 * The offline host against the goals: "hello cities" (N orchestrations × 5 sequential activities,
 * started at once) and a fan-out (1 orchestration × 1,000 parallel activities), persisted and in-memory,
 * beside the same shapes on durabletask-js's in-memory test backend. Each run is its own child process.
 * Work items = orchestration episodes + activity executions (what DTS counts as dispatched actions).
 */
import type { BenchResult, BenchRow, BenchSection } from './registry.js';
import { runInChild } from './host/child.js';
import {
  BACKEND_LABELS,
  SHAPE_LABELS,
  type BackendName,
  type ShapeName,
  type ShapeResult,
} from './host/shapes.js';

const DTS_CU_ACTIONS_PER_SECOND = 2000;

function row(r: ShapeResult, peer: ShapeResult | undefined): BenchRow {
  const workItems = r.episodes + r.activities;
  const rate = workItems / (r.wallMs / 1000);
  const peerRate = peer ? (peer.episodes + peer.activities) / (peer.wallMs / 1000) : NaN;
  return {
    labels: { shape: SHAPE_LABELS[r.shape](r.size), backend: BACKEND_LABELS[r.backend] },
    metrics: {
      completed: `${r.completed}/${r.orchestrations}`,
      'work items': workItems,
      'wall s': r.wallMs / 1000,
      'work items/s': rate,
      'orch/s': r.orchestrations / (r.wallMs / 1000),
      'p50 ms': r.latencies.p50,
      'p95 ms': r.latencies.p95,
      'peak RSS MB': r.peakRssMb,
      // Rate ratio: work items/s against the peer's. The peer's worker runs one episode per activity
      // completion while the host batches completions, so on fan-out the same logical work is fewer
      // work items here: compare wall time there ("speed").
      'rate vs peer': r.backend === 'durabletask-js' ? '1.00×' : `${(rate / peerRate).toFixed(2)}×`,
      'speed vs peer': peer ? `${(peer.wallMs / r.wallMs).toFixed(2)}×` : '-',
    },
  };
}

export const section: BenchSection = {
  name: 'host',
  title: 'Offline host throughput (work items/s = episodes + activity executions)',
  async run(opts): Promise<BenchResult> {
    const n = Number(opts.settings['n'] ?? (opts.quick ? 500 : 2000));
    const fan = Number(opts.settings['fanout'] ?? (opts.quick ? 200 : 1000));
    const shapes: Array<[ShapeName, number]> = [
      ['hello-cities', n],
      ['fan-out', fan],
    ];
    const backends: BackendName[] = ['host-sqlite', 'host-memory', 'durabletask-js'];
    const rows: BenchRow[] = [];
    const notes: string[] = [];
    for (const [shape, size] of shapes) {
      const results = new Map<BackendName, ShapeResult>();
      for (const backend of backends) {
        opts.log(`${SHAPE_LABELS[shape](size)} on ${BACKEND_LABELS[backend]}...`);
        results.set(backend, await runInChild({ shape, backend, size }));
      }
      const peer = results.get('durabletask-js');
      for (const backend of backends) rows.push(row(results.get(backend) as ShapeResult, peer));
      const rate = (r: ShapeResult | undefined) =>
        r ? (r.episodes + r.activities) / (r.wallMs / 1000) : NaN;
      const sqlite = rate(results.get('host-sqlite'));
      const memory = rate(results.get('host-memory'));
      notes.push(
        `${SHAPE_LABELS[shape](size)}: persisted ${Math.round(sqlite)} work items/s ${sqlite >= DTS_CU_ACTIONS_PER_SECOND ? 'meets' : 'MISSES'} the goal of ${DTS_CU_ACTIONS_PER_SECOND}/s (one DTS capacity unit); ` +
          `in-memory ${memory >= rate(peer) ? 'meets' : 'MISSES'} the goal of ≥ the peer (${(memory / rate(peer)).toFixed(2)}×).`,
      );
    }
    notes.push(
      'Each row ran in its own child process (peak RSS is that process). Latency = completion − creation per orchestration,',
      'all started at once. speed vs peer = peer wall time / this wall time for the same shape. Peer console logging silenced.',
    );
    return { rows, notes };
  },
};
