/**
 * Soak: the real app on the offline host (its own process, as `npm run local` runs it, SQLite in a temp
 * dir), fed simulator telemetry at a steady rate while analysts decide every case that waits for them.
 * Prints the host's RSS and the store's size over time, what the store holds, and how long a restart
 * after SIGKILL takes early (5 min) and at the end (it should not grow with the run's age).
 *
 *   npm run bench -- --only soak [--quick] [--set rate=100] [--set minutes=30] [--set sample=60]
 *                                [--set restartAt=5]
 *
 * Full mode: 30 minutes at 100 events/s. --quick: 2 minutes at 50 events/s. Retention settings are
 * shortened (`--set ingestRetentionMinutes=1 --set retentionMinutes=5`) so a 30-minute run reaches
 * the steady state a months-long one would: everything finished is purged within minutes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { CaseSummary } from '../../src/api/cases';
import { fileSizeMb, startHostProcess, storeSizeMb, type HostProcess } from './load/host-process';
import { liveFeed } from './load/telemetry';
import type { BenchResult, BenchRow, BenchSection } from './registry';

const KEY = 'soak-key';

const percentile = (values: number[], p: number): number => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
};

/** What the store holds, read from the SQLite file (read-only, beside the running host). */
function storeCounts(dataDir: string): Record<string, number> {
  const db = new DatabaseSync(path.join(dataDir, 'durable.sqlite'), { readOnly: true });
  try {
    const n = (sql: string) => Number((db.prepare(sql).get() as { n: number }).n);
    return {
      instances: n('SELECT count(*) AS n FROM instances'),
      'history rows': n('SELECT count(*) AS n FROM history'),
      messages: n('SELECT count(*) AS n FROM messages'),
      entities: n('SELECT count(*) AS n FROM entities'),
    };
  } catch {
    return {};
  } finally {
    db.close();
  }
}

function countLines(file: string, pattern: RegExp): number {
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => pattern.test(l)).length;
  } catch {
    return 0;
  }
}

interface Counters {
  posted: number;
  accepted: number;
  errors: number;
  decisions: number;
  latencies: number[];
  lastError?: string;
  /** Errors by kind ("telemetry 400", "decision 500", "TimeoutError"...), for the per-minute line. */
  kinds: Map<string, number>;
  shed: number;
}

function fail(c: Counters, kind: string, detail = kind): void {
  c.errors++;
  c.lastError = detail.slice(0, 300);
  c.kinds.set(kind, (c.kinds.get(kind) ?? 0) + 1);
}

/** Every call has a deadline: a request the host never answers counts as an error, not a silent stall. */
const REQUEST_TIMEOUT_MS = 60_000;

async function post(baseUrl: string, route: string, body: unknown): Promise<Response> {
  return fetch(`${baseUrl}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-functions-key': KEY },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
}

/** Decides every case that waits: mostly approve the recommended action, every fifth one rejected once. */
async function analystsPass(baseUrl: string, c: Counters, seen: Map<string, number>): Promise<void> {
  const res = await fetch(`${baseUrl}/api/cases?status=awaiting_decision&limit=100`, {
    headers: { 'x-functions-key': KEY },
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  if (res.status !== 200) {
    fail(c, `GET /api/cases ${res.status}`, `GET /api/cases ${res.status}: ${await res.text()}`);
    return;
  }
  const body = (await res.json()) as { cases?: CaseSummary[] } | CaseSummary[];
  const cases = Array.isArray(body) ? body : (body.cases ?? []);
  for (const s of cases) {
    const n = (seen.get(s.caseId) ?? 0) + 1;
    seen.set(s.caseId, n);
    const reject = n === 1 && s.round === 1 && seen.size % 5 === 0;
    const decision = reject
      ? { decision: 'reject', round: s.round, feedback: 'check the device history again', analyst: 'soak' }
      : {
          decision: 'approve',
          action: s.risk?.recommendedAction ?? 'lock_account',
          round: s.round,
          analyst: 'soak',
        };
    const r = await post(baseUrl, `/api/cases/${encodeURIComponent(s.caseId)}/decision`, decision);
    const text = await r.text();
    if (r.status === 202 || r.status === 200) c.decisions++;
    else if (r.status !== 409) fail(c, `decision ${r.status}`, `decision ${r.status}: ${text}`);
  }
  if (seen.size > 10_000) seen.clear();
}

/** SIGKILL, then start again on the same data: ms to listening and to the first answered API call. */
async function restart(
  host: HostProcess,
  dataDir: string,
  env: Record<string, string>,
  logFile: string,
): Promise<{ host: HostProcess; listenMs: number; firstAnswerMs: number }> {
  const port = Number(new URL(host.baseUrl).port);
  await host.kill();
  const t0 = performance.now();
  const next = await startHostProcess({ dataDir, port, env, logFile });
  for (;;) {
    const r = await fetch(`${next.baseUrl}/api/cases?limit=1`, { headers: { 'x-functions-key': KEY } }).catch(
      () => undefined,
    );
    if (r?.status === 200) {
      await r.text();
      break;
    }
    await new Promise((res) => setTimeout(res, 20));
  }
  return { host: next, listenMs: next.startMs, firstAnswerMs: performance.now() - t0 };
}

export const section: BenchSection = {
  name: 'soak',
  title: 'Soak: the real app at a steady event rate with analysts deciding (host in its own process, SQLite)',
  async run(opts): Promise<BenchResult> {
    const s = opts.settings;
    const rate = Number(s['rate'] ?? (opts.quick ? 50 : 100));
    const minutes = Number(s['minutes'] ?? (opts.quick ? 2 : 30));
    const sampleSec = Number(s['sample'] ?? (opts.quick ? 10 : 60));
    const anomaly = Number(s['anomaly'] ?? 0.08);
    const env: Record<string, string> = {
      LOCAL_FUNCTION_KEY: KEY,
      SIMULATOR_ENABLED: 'false',
      INGEST_RETENTION_MINUTES: s['ingestRetentionMinutes'] ?? '1',
      // The scheduler's retention policy (scripts/offline-host/engine/retention.ts), in days.
      DTS_RETENTION_DAYS: String(Number(s['retentionMinutes'] ?? 5) / 1440),
    };
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'soak-bench-'));
    // The host's output, kept beside the data (which goes at the end) so the app's errors can be read.
    const logFile = `${dataDir}.host.log`;
    let host = await startHostProcess({ dataDir, env, logFile });
    const firstStartMs = host.startMs;
    const c: Counters = {
      posted: 0,
      accepted: 0,
      errors: 0,
      decisions: 0,
      latencies: [],
      kinds: new Map(),
      shed: 0,
    };
    const rows: BenchRow[] = [];
    const restarts: Array<{ at: string; listenMs: number; firstAnswerMs: number; store: number }> = [];
    const feed = liveFeed(anomaly);
    // One batch a second, as a collector flushes (--set ticks=10 sends ten smaller ones).
    const ticksPerSecond = Number(s['ticks'] ?? 1);
    const perTick = Math.max(1, Math.round(rate / ticksPerSecond));
    let inFlight = 0;
    let running = true;
    let paused: Promise<void> | undefined;
    const t0 = Date.now();
    const fmt = (ms: number) =>
      `${String(Math.floor(ms / 60_000)).padStart(2, '0')}:${String(Math.floor((ms % 60_000) / 1000)).padStart(2, '0')}`;

    const sendTick = async () => {
      const events = feed(perTick, Date.now());
      if (events.length === 0) return;
      if (inFlight >= 32) {
        c.shed += events.length; // the host is behind: shed, and it shows in the table
        return;
      }
      inFlight++;
      const sent = performance.now();
      try {
        const r = await post(host.baseUrl, '/api/telemetry', { events });
        const text = await r.text();
        c.posted += events.length;
        if (r.status === 202) {
          c.accepted += events.length;
          c.latencies.push(performance.now() - sent);
        } else fail(c, `telemetry ${r.status}`, `telemetry ${r.status}: ${text}`);
      } catch (err) {
        fail(c, err instanceof Error ? err.name : 'error', String(err));
      } finally {
        inFlight--;
      }
    };

    const load = (async () => {
      let next = Date.now();
      while (running) {
        if (paused) await paused;
        void sendTick();
        next += 1000 / ticksPerSecond;
        await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
      }
    })();
    const analysts = (async () => {
      const seen = new Map<string, number>();
      while (running) {
        if (paused) await paused;
        await analystsPass(host.baseUrl, c, seen).catch((err: unknown) =>
          fail(c, err instanceof Error ? err.name : 'error', String(err)),
        );
        await new Promise((r) => setTimeout(r, 2000));
      }
    })();

    let lastSample = { at: 0, accepted: 0 };
    const sample = () => {
      const at = Date.now() - t0;
      const counts = storeCounts(dataDir);
      const row: BenchRow = {
        labels: { t: fmt(at) },
        metrics: {
          // Accepted in this interval (a restart's pause shows as a dip).
          'events/s': (c.accepted - lastSample.accepted) / ((at - lastSample.at) / 1000),
          'host RSS MB': host.rssMb(),
          'store MB': storeSizeMb(dataDir),
          ...counts,
          // The case-record store (src/records) is the audit trail: it grows with cases, by design.
          'records MB': fileSizeMb(path.join(dataDir, 'case-records.sqlite')),
          decisions: c.decisions,
          'POST p95 ms': percentile(c.latencies, 95),
          'shed events': c.shed,
          errors: c.errors,
        },
      };
      c.latencies = [];
      lastSample = { at, accepted: c.accepted };
      rows.push(row);
      const kinds = [...c.kinds].map(([k, n]) => `${k} ×${n}`).join(', ');
      opts.log(
        `${row.labels['t']}  ${Object.entries(row.metrics)
          .map(([k, v]) => `${k} ${typeof v === 'number' ? Math.round(v * 10) / 10 : v}`)
          .join(' · ')}${kinds ? ` · errors by kind: ${kinds} (last: ${c.lastError})` : ''}`,
      );
    };

    const doRestart = async (label: string) => {
      let resume!: () => void;
      paused = new Promise((r) => (resume = r));
      while (inFlight > 0) await new Promise((r) => setTimeout(r, 10));
      const store = storeSizeMb(dataDir);
      const r = await restart(host, dataDir, env, logFile);
      host = r.host;
      restarts.push({ at: label, listenMs: r.listenMs, firstAnswerMs: r.firstAnswerMs, store });
      opts.log(
        `restart at ${label}: listening after ${Math.round(r.listenMs)} ms, first answer after ${Math.round(r.firstAnswerMs)} ms (store ${store.toFixed(1)} MB)`,
      );
      paused = undefined;
      resume();
    };

    try {
      const end = t0 + minutes * 60_000;
      // Restarts during the run (minutes from the start), then one at the end.
      const restartAt = (s['restartAt'] ?? (opts.quick ? '1' : '5'))
        .split(',')
        .map(Number)
        .filter((m) => m > 0 && m < minutes)
        .map((m) => t0 + m * 60_000);
      for (let next = t0 + sampleSec * 1000; next <= end; next += sampleSec * 1000) {
        await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
        sample();
        if (restartAt.length > 0 && Date.now() >= restartAt[0]!) {
          restartAt.shift();
          await doRestart(fmt(Date.now() - t0));
        }
      }
      running = false;
      await Promise.all([load, analysts]);
      await doRestart(`end (${fmt(Date.now() - t0)})`);
    } finally {
      running = false;
      await host.stop().catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
    }

    const half = rows.slice(Math.floor(rows.length / 2));
    const slope = (key: string) => {
      const first = half[0]?.metrics[key] as number;
      const last = half[half.length - 1]?.metrics[key] as number;
      const span =
        (Date.parse(`1970-01-01T00:${half[half.length - 1]?.labels['t']}Z`) -
          Date.parse(`1970-01-01T00:${half[0]?.labels['t']}Z`)) /
        60_000;
      return span > 0 ? (last - first) / span : NaN;
    };
    const notes = [
      `${rate} events/s target for ${minutes} min in ${ticksPerSecond} batch(es) a second (anomaly probability ${anomaly}), at most 32 requests in flight (beyond that events are shed: ${c.shed} in all); analysts decide every waiting case every 2 s; errors: ${c.errors}${c.lastError ? ` (last: ${c.lastError})` : ''}.`,
      `First start on an empty store: listening in ${Math.round(firstStartMs)} ms (spawn, tsx, loading the app).`,
      `Second half: RSS ${slope('host RSS MB').toFixed(2)} MB/min, store ${slope('store MB').toFixed(2)} MB/min (flat ≈ 0).`,
      ...restarts.map(
        (r) =>
          `Restart after SIGKILL at ${r.at} (store ${r.store.toFixed(1)} MB): listening in ${Math.round(r.listenMs)} ms, first API answer in ${Math.round(r.firstAnswerMs)} ms.`,
      ),
      `Host log: ${logFile} (${countLines(logFile, /unhandled error/)} unhandled errors).`,
      `Retention in this run: ingest instances ${env['INGEST_RETENTION_MINUTES']} min, other finished instances ${s['retentionMinutes'] ?? 5} min (production: see README "Retention").`,
    ];
    return { rows, notes };
  },
};
