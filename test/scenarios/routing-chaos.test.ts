import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startChildHost, type ChildHost } from '../../scripts/demo/child-host';
import { ApiClient } from '../../scripts/demo/client';
import { Rng } from '../../src/shared/prng';
import { authFailures, CLEAN, COMPROMISED_ALL } from '../api/support';
import { APP_DIR } from '../support/app';
import { caseIdsOf, caseReading, readers, startHeldWebhook, type HeldWebhook } from '../support/routing';

/**
 * Issue 10 items 1–2 under chaos: the real app in a child process on SQLite, telemetry streaming for four
 * customers while analysts decide and the host is SIGKILLed and restarted three times. At the end every
 * alert was read by exactly one case — the one its ingest reply named — a customer's next case opened only
 * after its previous case had read its inbox for the last time, and nothing acted twice.
 */
const KEY = 'chaos-key';
const MASTER = 'chaos-master';
const CUSTOMERS = [...COMPROMISED_ALL.slice(0, 3), CLEAN];
const STEPS = 10;
const KILLS = 3;

let child: ChildHost | undefined;
let dataDir: string | undefined;
let webhook: HeldWebhook | undefined;
afterEach(async () => {
  await child?.kill();
  await webhook?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  child = webhook = dataDir = undefined;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Alert {
  alertId: string;
  caseId?: string;
}

describe('routing under chaos', () => {
  it('reads every alert once, where the reply said, with one open case per customer, through SIGKILLs', async () => {
    webhook = await startHeldWebhook();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'fraud-routing-chaos-'));
    const env = {
      LOCAL_FUNCTION_KEY: KEY,
      LOCAL_MASTER_KEY: MASTER,
      SIMULATOR_ENABLED: 'false',
      DURABLE_TASK_SCHEDULER_CONNECTION_STRING: '',
      ACTION_WEBHOOK_URL: `${webhook.url}/actions`,
      ANALYST_WEBHOOK_URL: `${webhook.url}/analyst`,
      NOTIFICATION_WEBHOOK_URL: `${webhook.url}/notify`,
    };
    child = await startChildHost(APP_DIR, dataDir, env);
    let base = child.baseUrl;
    const rng = new Rng(7);

    /** A request that may meet a dead host: retried (the same body: ingest and decisions are idempotent). */
    const send = async (method: string, route: string, body?: unknown) => {
      for (;;) {
        const at = base;
        try {
          const res = await fetch(`${at}${route}`, {
            method,
            headers: { 'x-functions-key': KEY, 'content-type': 'application/json' },
            ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          });
          if (res.status < 500)
            return { status: res.status, json: (await res.json()) as Record<string, unknown> };
        } catch {
          // the host was killed mid-request
        }
        if (done) return undefined;
        await sleep(100);
      }
    };
    let done = false;

    // One batch per step: a burst of failed logins for every customer, ten minutes after the last.
    const batches = Array.from({ length: STEPS }, (_, k) => ({
      events: CUSTOMERS.flatMap((c) => authFailures(c, 3, k * 600)),
    }));
    const stream = (async () => {
      for (const body of batches) {
        await send('POST', '/api/telemetry', body);
        await sleep(150);
      }
    })();

    // Analysts decide whatever waits: approve an action, clear, or reject with feedback.
    let analystsOn = true;
    const analysts = (async () => {
      while (analystsOn) {
        const list = await send('GET', '/api/cases?status=awaiting_decision&limit=100');
        for (const c of (list?.json['cases'] ?? []) as Array<{ caseId: string; round: number }>) {
          const pick = rng.next();
          const decision =
            pick < 0.4
              ? { decision: 'approve', action: 'lock_account' }
              : pick < 0.7
                ? { decision: 'approve', action: 'clear' }
                : { decision: 'reject', feedback: 'look at the logins again' };
          await send('POST', `/api/cases/${c.caseId}/decision`, {
            ...decision,
            round: c.round,
            analyst: 'ana',
          });
        }
        await sleep(200);
      }
    })();

    for (let k = 0; k < KILLS; k++) {
      await sleep(900 + rng.int(0, 600));
      await child.kill();
      child = await startChildHost(APP_DIR, dataDir, env);
      base = child.baseUrl;
    }
    await stream;
    analystsOn = false;
    await analysts;

    // Settle: every case still waiting is cleared (a clear with nothing new waiting closes it).
    const api = () => new ApiClient(base, KEY, MASTER);
    const settleBy = Date.now() + 40_000;
    for (;;) {
      const ids = (await Promise.all(CUSTOMERS.map((c) => caseIdsOf(base, KEY, c)))).flat();
      const cases = await Promise.all(
        ids.map((id) =>
          api()
            .getCase(id)
            .catch(() => ({ caseId: id })),
        ),
      );
      const open = cases.filter(
        (c) => !('stage' in c) || c.stage !== 'closed' || c.runtimeStatus === 'Running',
      );
      if (open.length === 0) break;
      expect(Date.now(), `cases still open: ${open.map((c) => c.caseId).join(', ')}`).toBeLessThan(settleBy);
      for (const c of open)
        if ('stage' in c && c.stage === 'awaiting_decision')
          await api().decide(c.caseId, {
            decision: 'approve',
            action: 'clear',
            round: c.round,
            analyst: 'ana',
          });
      await sleep(200);
    }

    // What each ingest answered (sent again: the same batch answers from the same ingest instances).
    done = true;
    const told = new Map<string, string>();
    for (const body of batches) {
      const r = await send('POST', '/api/telemetry', body);
      expect(r?.json['pending'], 'every ingest finished').toEqual([]);
      for (const a of r!.json['alerts'] as Alert[]) told.set(a.alertId, a.caseId!);
    }
    expect(told.size, 'one alert per customer and step').toBe(CUSTOMERS.length * STEPS);

    const figures = { kills: KILLS, alerts: told.size, cases: 0, handedOver: 0, actions: 0 };
    for (const customerId of CUSTOMERS) {
      const ids = await caseIdsOf(base, KEY, customerId);
      figures.cases += ids.length;
      const cases = await Promise.all(ids.map((id) => caseReading(base, KEY, id)));
      const by = readers(cases);
      for (const [alertId, caseId] of told)
        if (alertId.startsWith(`${customerId}-`))
          expect(by.get(alertId), `${alertId} read once, by the case its reply named`).toEqual([caseId]);
      for (const [alertId, readBy] of by) expect(readBy, `${alertId} read once`).toHaveLength(1);

      // One open case at a time: each case opened after the one before it had read its inbox for the last
      // time (every event of a case up to its outcome happens at or before that last read).
      const views = await Promise.all(ids.map((id) => api().getCase(id)));
      const spans = views
        .map((v) => {
          const timeline = (v as unknown as { timeline: Array<{ at: string; event: string }> }).timeline;
          // The handover (starting the next case) comes after the release, so it is not part of the span.
          if (timeline.some((t) => t.event === 'handed_over')) figures.handedOver++;
          const before = timeline
            .slice(
              0,
              timeline.findIndex((t) => t.event === v.outcome),
            )
            .filter((t) => t.event !== 'handed_over' && t.event !== 'handover_failed');
          return {
            caseId: v.caseId,
            opened: Date.parse(timeline[0]!.at),
            lastRead: Math.max(...before.map((t) => Date.parse(t.at))),
          };
        })
        .sort((a, b) => a.opened - b.opened);
      for (let i = 1; i < spans.length; i++)
        expect(
          spans[i]!.opened,
          `${spans[i]!.caseId} opened after ${spans[i - 1]!.caseId} stopped reading`,
        ).toBeGreaterThanOrEqual(spans[i - 1]!.lastRead);

      // Nothing acted twice: one action per case in the ledger, and one idempotency key per action outside.
      const ledger = await api().ledger(customerId);
      const keys = ledger.entries.map((e) => e.idempotencyKey);
      expect(new Set(keys).size).toBe(keys.length);
      const actionsPerCase = new Map<string, Set<string>>();
      for (const k of keys) {
        const [caseId, round, action] = k.split(':');
        actionsPerCase.set(caseId!, (actionsPerCase.get(caseId!) ?? new Set()).add(`${round}:${action}`));
      }
      for (const [caseId, actions] of actionsPerCase) expect([...actions], caseId).toHaveLength(1);
      figures.actions += actionsPerCase.size;
      const delivered = new Set(webhook.received.filter((r) => r.path === '/actions').map((r) => r.key));
      for (const caseId of actionsPerCase.keys())
        expect(
          [...delivered].filter((k) => k.startsWith(`${caseId}:`)),
          caseId,
        ).toHaveLength(1);
    }
    console.log(`routing chaos: ${JSON.stringify(figures)}`);
  }, 90_000);
});
