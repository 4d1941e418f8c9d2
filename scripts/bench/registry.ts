/**
 * Bench sections. Each `scripts/bench/<name>.bench.ts` exports either `section: BenchSection` (rows with
 * labels and metrics) or `bench: FigureBench` (a flat list of named figures); `npm run bench` discovers
 * them, runs the selected ones (`--only a,b`) and prints one table per section.
 */
export interface BenchOptions {
  /** Smaller shapes for a quick look (`--quick`); figures for the README come from full runs. */
  quick: boolean;
  /** Free-form `--set key=value` pairs a section may read (e.g. `--set n=5000`). */
  settings: Record<string, string>;
  log: (line: string) => void;
}

export interface BenchRow {
  /** Left-most columns identify the case, e.g. { shape: 'hello cities', backend: 'offline host (SQLite)' }. */
  labels: Record<string, string>;
  /** Right-hand columns; numbers are formatted, strings printed as they are. */
  metrics: Record<string, number | string>;
}

export interface BenchResult {
  rows: BenchRow[];
  /** Lines printed under the table (goals met or not, how to read the ratio). */
  notes?: string[];
}

export interface BenchSection {
  name: string;
  title: string;
  run(opts: BenchOptions): Promise<BenchResult>;
}

/** The simpler shape: one figure per line. */
export interface BenchFigure {
  metric: string;
  value: number;
  unit: string;
  note?: string;
}

export interface FigureBench {
  name: string;
  run(opts: { quick: boolean }): Promise<BenchFigure[]>;
}

export function figureSection(bench: FigureBench): BenchSection {
  return {
    name: bench.name,
    title: bench.name,
    async run(opts) {
      const figures = await bench.run({ quick: opts.quick });
      return { rows: figures.map(toRow) };
    },
  };
}

function toRow(f: BenchFigure): BenchRow {
  return { labels: { metric: f.metric }, metrics: { value: f.value, unit: f.unit, note: f.note ?? '' } };
}

/** The median (of repeated runs). */
export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** "median (min–max)" with the given formatter, or just the value for one run. */
export function spread(values: number[], fmt: (v: number) => string): string {
  if (values.length <= 1) return fmt(values[0] ?? NaN);
  return `${fmt(median(values))} (${fmt(Math.min(...values))}–${fmt(Math.max(...values))})`;
}

function format(v: number | string): string {
  if (typeof v === 'string') return v;
  if (!Number.isFinite(v)) return '-';
  if (Math.abs(v) >= 100) return Math.round(v).toLocaleString('en-US');
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

/** A plain-text table with right-aligned metrics. */
export function renderTable(rows: BenchRow[]): string {
  if (rows.length === 0) return '(no rows)';
  const labelCols = [...new Set(rows.flatMap((r) => Object.keys(r.labels)))];
  const metricCols = [...new Set(rows.flatMap((r) => Object.keys(r.metrics)))];
  const header = [...labelCols, ...metricCols];
  const body = rows.map((r) => [
    ...labelCols.map((c) => r.labels[c] ?? ''),
    ...metricCols.map((c) => (r.metrics[c] === undefined ? '' : format(r.metrics[c] as number | string))),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i < labelCols.length ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/**
 * Runs one figure bench on its own (`npx tsx scripts/bench/<name>.bench.ts [--quick]`) and prints its
 * table. Exits explicitly: an app that enabled HTTP streaming leaves @azure/functions' stream proxy
 * listening after the offline host stops.
 */
export function runStandalone(bench: FigureBench): void {
  const quick = process.argv.includes('--quick');
  bench.run({ quick }).then(
    (figures) => {
      console.log(renderTable(figures.map(toRow)));
      process.exit(0);
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
