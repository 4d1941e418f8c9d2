import path from 'node:path';
import { startOfflineHost, type OfflineHost } from '../offline-host/index';
import type { TelemetryEvent } from '../../src/detection/schema';
import { alertsOf, type AlertView, type TelemetryAccepted } from '../../src/api/telemetry';
import type { Corpus } from './corpus/types';

/**
 * Runs a corpus through the real app on the offline host: the app's own ingest API over HTTP (the rules,
 * the customerProfile entities, the live record), its cases and investigations, the virtual clock set to
 * the corpus' now. Outcomes are read back through the HTTP API (the case index and each case's view).
 */
export const APP_DIR = path.resolve(__dirname, '../..');
const KEY = 'eval-key';
const BATCH_EVENTS = 500;
const IN_FLIGHT = 4;

export interface AlertSeen {
  alertId: string;
  rule: string;
  severity: string;
  /** The events of the alert (what a model is asked about). */
  events: number;
}

export interface CaseOutcome {
  caseId: string;
  customerId: string;
  stage: string;
  outcome?: string;
  round: number;
  risk?: number;
  recommendedAction?: string;
  tokens: number;
  usd: number;
  alerts: AlertSeen[];
  /** Wall ms from the ingest that raised the case's first alert to its first assessment. */
  latencyMs?: number;
  /** Why the auto-clear policy cleared or held the latest round. */
  clearance?: string;
}

/** An alert the ingest API reported, and whether a case read it. */
export interface AlertRaised {
  alertId: string;
  rule: string;
  severity: string;
  customerId: string;
  /** The case the ingest said it opened or joined. */
  caseId?: string;
  /** True when some case's view lists the alert (as its first alert or as evidence): routing may move it on. */
  inCase: boolean;
}

export interface RunResult {
  cases: CaseOutcome[];
  /** Every alert the ingest raised (from its answers, or its instance's output when it answered pending). */
  alerts: AlertRaised[];
  /** Ingest instances that failed: their events raised nothing (a lost alert if any were due). */
  failedIngests: string[];
  /** Wall seconds: ingest, then until every case settled. */
  ingestSeconds: number;
  settleSeconds: number;
  eventsPosted: number;
  /** Batches resent after a 5xx (the ingest is idempotent by content, as a client should rely on). */
  ingestRetries: number;
  model: string;
  unsettled: string[];
}

export interface RunOptions {
  env: Record<string, string>;
  model: string;
  progress?: (p: { phase: 'ingest' | 'settle'; done: number; total: number }) => void;
  /** Give up waiting for cases after this long (they are reported as unsettled). */
  settleTimeoutMs?: number;
}

export async function runCorpus(corpus: Corpus, opts: RunOptions): Promise<RunResult> {
  const host = await startOfflineHost({
    appDir: APP_DIR,
    port: 0,
    clock: 'virtual',
    inMemory: true,
    functionKey: KEY,
    enableTimerTriggers: false,
    appLog: process.env['EVAL_APP_LOG']
      ? (level, category, message) => console.error(`[app ${level}] ${category}: ${message}`)
      : () => undefined,
    env: {
      SIMULATOR_ENABLED: 'false',
      DATASET_CUSTOMERS: String(corpus.datasetCustomers),
      DURABLE_TASK_SCHEDULER_CONNECTION_STRING: '',
      ...opts.env,
    },
  });
  try {
    // The virtual clock starts at 2026-01-01: move it to the corpus' now (nothing is scheduled yet).
    await host.advance(Math.max(0, Date.parse(corpus.now) - host.engine.clock.now()));
    return await drive(host, corpus, opts);
  } finally {
    await host.stop();
  }
}

async function drive(host: OfflineHost, corpus: Corpus, opts: RunOptions): Promise<RunResult> {
  const api = client(host);
  // Everyday traffic first (preludes and background), then the patterns: telemetry arrives in time order.
  const first: TelemetryEvent[][] = [
    ...corpus.cases.map((c) => c.prelude),
    ...corpus.background.map((b) => b.events),
  ];
  const second: TelemetryEvent[][] = corpus.cases.map((c) => c.pattern);
  const total = [...first, ...second].reduce((s, e) => s + e.length, 0);
  let posted = 0;
  let retries = 0;
  const postedAt = new Map<string, number>();
  const raised: AlertView[] = [];
  const pending: string[] = [];
  const failedIngests: string[] = [];
  const started = performance.now();
  for (const wave of [...inOrder(first), ...inOrder(second)]) {
    const batches = pack(wave);
    let next = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < batches.length) {
          const batch = batches[next++]!;
          // A 5xx means nothing was lost but the batch must be resent (ingest is idempotent by content).
          let r = await api('POST', '/api/telemetry', { events: batch });
          for (let attempt = 1; r.status >= 500 && attempt <= 3; attempt++) {
            retries++;
            await new Promise((res) => setTimeout(res, 250 * attempt));
            r = await api('POST', '/api/telemetry', { events: batch });
          }
          if (r.status !== 202)
            throw new Error(`ingest answered ${r.status}: ${JSON.stringify(r.json).slice(0, 300)}`);
          const at = performance.now();
          const answer = r.json as TelemetryAccepted;
          raised.push(...answer.alerts);
          pending.push(...answer.pending);
          failedIngests.push(...answer.failed);
          for (const a of answer.alerts) if (!postedAt.has(a.customerId)) postedAt.set(a.customerId, at);
          posted += batch.length;
          opts.progress?.({ phase: 'ingest', done: posted, total });
        }
      }),
    );
  }
  const ingestSeconds = (performance.now() - started) / 1000;
  // Ingests that had not finished when the API answered: their alerts are in their instances' output.
  for (const id of pending) {
    const st = await host.waitForStatus(id, ['Completed', 'Failed', 'Terminated'], 60_000);
    if (st.runtimeStatus === 'Completed') raised.push(...alertsOf(st.output));
    else failedIngests.push(id);
  }

  // Poll the case index until every case has an assessment and waits for an analyst or has closed.
  const settleStart = performance.now();
  const assessedAt = new Map<string, number>();
  const deadline = settleStart + (opts.settleTimeoutMs ?? 8 * 60_000);
  let summaries: Summary[];
  let stableSince = 0;
  let lastKey = '';
  for (;;) {
    await host.engine.idle().catch(() => undefined);
    summaries = await listAll(api);
    const now = performance.now();
    for (const s of summaries) if (s.risk && !assessedAt.has(s.caseId)) assessedAt.set(s.caseId, now);
    const settled = summaries.filter((s) => s.stage === 'closed' || s.stage === 'awaiting_decision').length;
    opts.progress?.({ phase: 'settle', done: settled, total: summaries.length });
    const key = summaries.map((s) => `${s.caseId}:${s.stage}:${s.round}`).join('|');
    if (key !== lastKey) {
      lastKey = key;
      stableSince = now;
    }
    if (settled === summaries.length && now - stableSince > 1500) break;
    if (now > deadline) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const settleSeconds = (performance.now() - settleStart) / 1000;

  const cases: CaseOutcome[] = [];
  const read = new Set<string>();
  for (const s of summaries) {
    const d = (await api('GET', `/api/cases/${encodeURIComponent(s.caseId)}`)).json as Detail;
    const alerts = [d.alert, ...(d.evidence ?? []).map((e) => e.alert)].filter(Boolean) as Detail['alert'][];
    for (const a of alerts) read.add(a!.alertId);
    const opened = postedAt.get(s.customerId);
    const assessed = assessedAt.get(s.caseId);
    cases.push({
      caseId: s.caseId,
      customerId: s.customerId,
      stage: s.stage,
      ...(s.outcome ? { outcome: s.outcome } : {}),
      round: s.round,
      ...(s.risk ? { risk: s.risk.score, recommendedAction: s.risk.recommendedAction } : {}),
      tokens: s.usage.tokens,
      usd: s.usage.usd,
      alerts: alerts.map((a) => ({
        alertId: a!.alertId,
        rule: a!.rule,
        severity: a!.severity,
        events: a!.events.length,
      })),
      ...(opened !== undefined && assessed !== undefined
        ? { latencyMs: Math.max(0, assessed - opened) }
        : {}),
      ...(d.rounds?.at(-1)?.clearance ? { clearance: d.rounds.at(-1)!.clearance!.reason } : {}),
    });
  }
  return {
    cases,
    alerts: raised.map((a) => ({
      alertId: a.alertId,
      rule: a.rule,
      severity: a.severity,
      customerId: a.customerId,
      ...(a.caseId ? { caseId: a.caseId } : {}),
      inCase: read.has(a.alertId),
    })),
    failedIngests,
    ingestSeconds,
    settleSeconds,
    eventsPosted: posted,
    ingestRetries: retries,
    model: opts.model,
    unsettled: summaries
      .filter((s) => s.stage !== 'closed' && s.stage !== 'awaiting_decision')
      .map((s) => s.caseId),
  };
}

interface Summary {
  caseId: string;
  customerId: string;
  stage: string;
  outcome?: string;
  round: number;
  risk?: { score: number; recommendedAction: string };
  usage: { tokens: number; usd: number };
}
interface Detail {
  alert?: { alertId: string; rule: string; severity: string; events: unknown[] };
  evidence?: Array<{ alert: { alertId: string; rule: string; severity: string; events: unknown[] } }>;
  rounds?: Array<{ clearance?: { reason: string } }>;
}

type Api = (method: string, path: string, body?: unknown) => Promise<{ status: number; json: unknown }>;

function client(host: OfflineHost): Api {
  return async (method, p, body) => {
    const res = await fetch(`${host.baseUrl}${p}`, {
      method,
      headers: { 'x-functions-key': KEY, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, json: text ? (JSON.parse(text) as unknown) : undefined };
  };
}

async function listAll(api: Api): Promise<Summary[]> {
  const out: Summary[] = [];
  let cursor: string | undefined;
  do {
    const r = await api(
      'GET',
      `/api/cases?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    const page = r.json as { cases: Summary[]; nextCursor?: string };
    out.push(...page.cases);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/**
 * Waves that keep each customer's events in time order: a customer with more events than a batch holds
 * sends them in consecutive waves (its first chunk in wave 1, the next in wave 2…); batches within a wave
 * run concurrently, waves one after another.
 */
function inOrder(groups: TelemetryEvent[][]): TelemetryEvent[][][] {
  const chunks = groups.map((g) =>
    Array.from({ length: Math.ceil(g.length / BATCH_EVENTS) }, (_, i) =>
      g.slice(i * BATCH_EVENTS, (i + 1) * BATCH_EVENTS),
    ),
  );
  const depth = Math.max(0, ...chunks.map((c) => c.length));
  return Array.from({ length: depth }, (_, i) => chunks.flatMap((c) => (c[i] ? [c[i]] : [])));
}

/** Whole customers per batch (one customer's events stay together, in time order), up to the batch size. */
function pack(groups: TelemetryEvent[][]): TelemetryEvent[][] {
  const batches: TelemetryEvent[][] = [];
  let current: TelemetryEvent[] = [];
  for (const g of groups) {
    if (current.length + g.length > BATCH_EVENTS && current.length) {
      batches.push(current);
      current = [];
    }
    current.push(...g);
  }
  if (current.length) batches.push(current);
  return batches;
}
