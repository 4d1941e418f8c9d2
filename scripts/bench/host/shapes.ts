/** The two benchmark shapes, identical on every backend. */
export type ShapeName = 'hello-cities' | 'fan-out';
export type BackendName = 'host-sqlite' | 'host-sqlite-http' | 'host-memory' | 'durabletask-js';

export interface ShapeRun {
  shape: ShapeName;
  backend: BackendName;
  /** hello-cities: orchestrations started at once (each 5 sequential activities). fan-out: activities. */
  size: number;
}

/** What a child process reports (one JSON line on stdout). */
export interface ShapeResult extends ShapeRun {
  orchestrations: number;
  completed: number;
  episodes: number;
  activities: number;
  wallMs: number;
  /** Orchestration latency (completion − creation), ms. */
  latencies: { p50: number; p95: number; max: number };
  peakRssMb: number;
}

export const BACKEND_LABELS: Record<BackendName, string> = {
  'host-sqlite': 'offline host, SQLite',
  'host-sqlite-http': 'offline host, SQLite, HTTP starts',
  'host-memory': 'offline host, in-memory',
  'durabletask-js': 'durabletask-js in-memory',
};

export const SHAPE_LABELS: Record<ShapeName, (size: number) => string> = {
  'hello-cities': (n) => `hello cities ${n.toLocaleString('en-US')}×5`,
  'fan-out': (n) => `fan-out 1×${n.toLocaleString('en-US')}`,
};

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] as number;
}

export function latencySummary(values: number[]): ShapeResult['latencies'] {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted[sorted.length - 1] ?? NaN };
}

export const CITIES = ['Tokyo', 'Seattle', 'London', 'Lagos', 'Lima'];

/** Last line of a child's stdout: the result, so the parent can ignore anything else printed. */
export const RESULT_PREFIX = 'BENCH_RESULT ';

export function peakRssMb(): number {
  // resourceUsage().maxRSS is in kilobytes on Linux and macOS.
  return process.resourceUsage().maxRSS / 1024;
}
