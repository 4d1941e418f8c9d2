import { afterEach, describe, expect, it } from 'vitest';
import type { OfflineHost } from '../../scripts/offline-host/index';
import { authFailures, call, CLEAN, COMPROMISED, startApi } from '../api/support';
import { waitForCase } from '../support/app';
import { caseIdsOf, caseReading, readers, startHeldWebhook, type HeldWebhook } from '../support/routing';

/**
 * Issue 10 item 1, replayed deterministically on the real app (offline host, virtual clock, real HTTP):
 * alerts for a customer arrive while that customer's case acts, clears or escalates, and the webhook at
 * the edge holds the case exactly in that moment. Each alert must be read by one case before that case's
 * outcome is final, or open (or join) the next case — and the ingest reply must name the case that reads
 * it. The old code absorbed every such alert into the closing case unread and replied "attached".
 */
const HOUR = 3_600_000;

let host: OfflineHost | undefined;
let webhook: HeldWebhook | undefined;
afterEach(async () => {
  await host?.stop();
  await webhook?.close();
  host = webhook = undefined;
});

async function start(): Promise<OfflineHost> {
  webhook = await startHeldWebhook();
  host = await startApi({
    ACTION_WEBHOOK_URL: `${webhook.url}/actions`,
    ANALYST_WEBHOOK_URL: `${webhook.url}/analyst`,
    NOTIFICATION_WEBHOOK_URL: `${webhook.url}/notify`,
  });
  return host;
}

/** A burst of three failed logins `minute` minutes in (past the 60 s dedup): one alert. */
async function burst(h: OfflineHost, customerId: string, minute: number) {
  const r = await call(h, 'POST', '/api/telemetry', {
    body: { events: authFailures(customerId, 3, minute * 60) },
  });
  expect(r.status, r.text).toBe(202);
  expect(r.json.pending, 'the ingest finished within the reply').toEqual([]);
  const [alert] = r.json.alerts as Array<{ alertId: string; caseId: string }>;
  expect(alert, `minute ${minute} raised an alert`).toBeDefined();
  return alert!;
}

async function decide(h: OfflineHost, caseId: string, body: object) {
  const r = await call(h, 'POST', `/api/cases/${caseId}/decision`, {
    body: { analyst: 'ana@contoso.com', ...body },
  });
  expect(r.status, r.text).toBe(202);
}

/** Every case of the customer, settled: which case read each alert, and that the replies named it. */
async function expectEachReadOnceWhereTold(h: OfflineHost, customerId: string, told: Map<string, string>) {
  const ids = await caseIdsOf(h.baseUrl, h.functionKey, customerId);
  const cases = await Promise.all(ids.map((id) => caseReading(h.baseUrl, h.functionKey, id)));
  for (const c of cases) expect(c.stage, `${c.caseId} settled`).toBe('closed');
  const by = readers(cases);
  for (const [alertId, caseId] of told)
    expect(by.get(alertId), `${alertId} read by the case its reply named`).toEqual([caseId]);
  for (const [alertId, readBy] of by) expect(readBy, `${alertId} read once`).toHaveLength(1);
  return cases;
}

describe("an alert that arrives while its customer's case is closing", () => {
  it('opens the next case while the case acts (a slow action webhook), and the reply names that case', async () => {
    const h = await start();
    const told = new Map<string, string>();
    const first = await burst(h, COMPROMISED, 0);
    told.set(first.alertId, first.caseId);
    await waitForCase(h, first.caseId, 'awaiting_decision');
    const acting = webhook!.hold((r) => r.path === '/actions');
    await decide(h, first.caseId, { decision: 'approve', action: 'lock_account', round: 1 });
    await acting.arrived; // the case has read its inbox for the last time and is acting

    const during = [
      await burst(h, COMPROMISED, 10),
      await burst(h, COMPROMISED, 20),
      await burst(h, COMPROMISED, 30),
    ];
    const next = during[0]!.caseId;
    expect(next).not.toBe(first.caseId);
    expect(next).toBe(`case-${during[0]!.alertId}`);
    for (const a of during) expect(a.caseId, 'every reply names the next case').toBe(next);
    for (const a of during) told.set(a.alertId, a.caseId);
    // Not started while the first case still acts: one open case per customer.
    expect((await h.engine.getStatus(next))?.runtimeStatus).toBeUndefined();

    acting.release();
    const closed = await waitForCase(h, first.caseId, 'closed');
    expect(closed.outcome).toBe('action_executed');
    const successor = await waitForCase(
      h,
      next,
      (s) => s.stage === 'awaiting_decision' && s.evidenceCount === 2,
    );
    expect((await caseReading(h.baseUrl, h.functionKey, next)).opener).toBe(during[0]!.alertId);
    await decide(h, next, { decision: 'approve', action: 'clear', round: successor.round });
    await waitForCase(h, next, 'closed');

    const cases = await expectEachReadOnceWhereTold(h, COMPROMISED, told);
    expect(cases).toHaveLength(2);
    expect(webhook!.received.filter((r) => r.path === '/actions').map((r) => r.key)).toEqual([
      `${first.caseId}:r1:lock_account`,
    ]);
  }, 60_000);

  it('is read by the case when it arrives before an analyst clears: the case looks again instead of clearing it unread', async () => {
    const h = await start();
    const told = new Map<string, string>();
    const first = await burst(h, COMPROMISED, 0);
    told.set(first.alertId, first.caseId);
    await waitForCase(h, first.caseId, 'awaiting_decision');
    const waiting = await burst(h, COMPROMISED, 10);
    expect(waiting.caseId, 'the reply names the open case').toBe(first.caseId);
    told.set(waiting.alertId, waiting.caseId);

    await decide(h, first.caseId, { decision: 'approve', action: 'clear', round: 1 });
    const again = await waitForCase(h, first.caseId, (s) => s.stage === 'awaiting_decision' && s.round === 2);
    expect(again.evidenceCount).toBe(1);
    expect(again.timeline.map((t) => t.event)).toContain('reinvestigating');

    // Nothing new waits now: the clear closes the case; the next alert opens a new one.
    await decide(h, first.caseId, { decision: 'approve', action: 'clear', round: 2 });
    expect((await waitForCase(h, first.caseId, 'closed')).outcome).toBe('cleared_by_analyst');
    const later = await burst(h, COMPROMISED, 20);
    expect(later.caseId).toBe(`case-${later.alertId}`);
    told.set(later.alertId, later.caseId);
    await waitForCase(h, later.caseId, 'awaiting_decision');
    await decide(h, later.caseId, { decision: 'approve', action: 'clear', round: 1 });
    await waitForCase(h, later.caseId, 'closed');
    expect(await expectEachReadOnceWhereTold(h, COMPROMISED, told)).toHaveLength(2);
  }, 60_000);

  it('is taken along by an escalation when it came first, and opens the next case while the escalation is announced', async () => {
    const h = await start();
    const told = new Map<string, string>();
    const first = await burst(h, COMPROMISED, 0);
    told.set(first.alertId, first.caseId);
    await waitForCase(h, first.caseId, 'awaiting_decision');
    const before = await burst(h, COMPROMISED, 10);
    expect(before.caseId).toBe(first.caseId);
    told.set(before.alertId, before.caseId);

    const announcing = webhook!.hold((r) => r.path === '/analyst' && r.kind === 'escalated');
    const deadline = h.advance(73 * HOUR);
    await announcing.arrived; // released and closed; its notices still go out
    const after = await burst(h, COMPROMISED, 20);
    expect(after.caseId).toBe(`case-${after.alertId}`);
    told.set(after.alertId, after.caseId);
    announcing.release();
    await deadline;

    const escalated = await waitForCase(h, first.caseId, 'closed');
    expect(escalated).toMatchObject({ outcome: 'escalated_timeout', evidenceCount: 1 });
    await waitForCase(h, after.caseId, 'awaiting_decision');
    await decide(h, after.caseId, { decision: 'approve', action: 'clear', round: 1 });
    await waitForCase(h, after.caseId, 'closed');
    expect(await expectEachReadOnceWhereTold(h, COMPROMISED, told)).toHaveLength(2);
  }, 60_000);

  it('opens the next case after an auto-clear, even while the clear is still being announced', async () => {
    const h = await start();
    const told = new Map<string, string>();
    const announcing = webhook!.hold((r) => r.path === '/notify');
    const first = await burst(h, CLEAN, 0);
    told.set(first.alertId, first.caseId);
    await announcing.arrived;
    const after = await burst(h, CLEAN, 10);
    expect(after.caseId).toBe(`case-${after.alertId}`);
    told.set(after.alertId, after.caseId);
    announcing.release();
    expect((await waitForCase(h, first.caseId, 'closed')).outcome).toBe('auto_cleared');
    expect((await waitForCase(h, after.caseId, 'closed')).outcome).toBe('auto_cleared');
    expect(await expectEachReadOnceWhereTold(h, CLEAN, told)).toHaveLength(2);
  }, 60_000);
});
