import { copyFileSync, mkdirSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOfflineHost, type OfflineHost } from '../../scripts/offline-host/index';
import { caseIdFor } from '../../src/cases/types';
import { APP_DIR, waitForCase } from '../support/app';
import {
  BROWSER_AVAILABLE,
  launchBrowser,
  NARROW,
  openConsole,
  overflowing,
  screenshot,
  SCREENSHOTS,
  WIDE,
  type ConsolePage,
} from './browser';

/**
 * The analyst's workbench in headless Chromium against the real app on the offline host (virtual clock,
 * scripted model, at most two review rounds): triage of the case index (default view, filters, search,
 * sort, paging — all answered by the server), the customer and audit panels, round labels, the
 * last-round warning, and the case view at 390 px.
 */
const KEY = 'wb-key';
const VIRTUAL_START = new Date('2026-01-01T00:00:05Z');
const MINUTE = 60_000;
const at = (s: number) => new Date(Date.UTC(2026, 2, 31, 10, 0, s)).toISOString();
const CLEAN_CASES = 11;

let host: OfflineHost;
let browser: Browser;
let receiver: http.Server;
let analyst: ConsolePage;
/** Awaiting a decision, deadlines in this order: a detected large transaction, then two manual cases. */
let detected: string;
let manualB: string;
let manualC: string;
/** C042's earlier case, approved and closed. */
let earlier: string;

const key = { 'x-functions-key': KEY, 'content-type': 'application/json' };
const post = async (path: string, body: unknown) => {
  const r = await fetch(`${host.baseUrl}/api/${path}`, {
    method: 'POST',
    headers: key,
    body: JSON.stringify(body),
  });
  return (await r.json()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- fields read by name
};
const manual = async (customerId: string, description: string) =>
  (await post('cases', { customerId, description })).caseId as string;

beforeAll(async () => {
  if (!BROWSER_AVAILABLE) return;
  receiver = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const webhook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/bank`;
  [host, browser] = await Promise.all([
    startOfflineHost({
      appDir: APP_DIR,
      port: 0,
      inMemory: true,
      clock: 'virtual',
      functionKey: KEY,
      env: {
        SIMULATOR_ENABLED: 'false',
        DURABLE_TASK_SCHEDULER_CONNECTION_STRING: '',
        MAX_REVIEW_ROUNDS: '2',
        ACTION_WEBHOOK_URL: webhook,
      },
    }),
    launchBrowser(),
  ]);

  // C042's earlier case: approved, locked, closed.
  earlier = await manual('C042', 'Customer reported a phone stolen last month');
  await waitForCase(host, earlier, 'awaiting_decision');
  await post(`cases/${earlier}/decision`, {
    decision: 'approve',
    action: 'lock_account',
    round: 1,
    analyst: 'bob@contoso.com',
  });
  await waitForCase(host, earlier, 'closed');

  // Three cases for the analyst, a minute apart: their deadlines come in this order.
  const ingest = await post('telemetry', {
    events: [
      {
        type: 'transaction',
        customerId: 'C013',
        timestamp: at(0),
        amount: 1200,
        merchant: 'Electronics Hub',
      },
    ],
  });
  detected = caseIdFor(ingest.alerts[0].alertId);
  await waitForCase(host, detected, 'awaiting_decision');
  await host.advance(MINUTE);
  manualB = await manual('C042', 'Two phones shipped abroad that the customer did not order');
  await waitForCase(host, manualB, 'awaiting_decision');
  await host.advance(MINUTE);
  manualC = await manual('C045', 'Card used in three countries in one hour');
  await waitForCase(host, manualC, 'awaiting_decision');

  // A clean customer's routine checks clear themselves: enough closed cases for a second page.
  for (let i = 0; i < CLEAN_CASES; i++) {
    const id = await manual('C001', `Routine check ${i + 1}`);
    await waitForCase(host, id, 'closed');
  }
  for (const id of [detected, manualB, manualC]) {
    const c = await statusOf(id);
    scores.set(id, { risk: c.risk.score, opened: c.openedAt });
  }
  analyst = await openConsole(browser, `${host.baseUrl}/api/console`, { key: KEY, clockAt: VIRTUAL_START });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
  await new Promise((r) => receiver?.close(r));
});

const statusOf = async (caseId: string) =>
  (await (await fetch(`${host.baseUrl}/api/cases/${caseId}`, { headers: key })).json()) as {
    risk: { score: number };
    openedAt: string;
  };
const scores = new Map<string, { risk: number; opened: string }>();
const riskOf = (id: string) => scores.get(id)!.risk;
const openedOf = (id: string) => scores.get(id)!.opened;

/** Pages load over a shared, loaded machine: wait generously for what must eventually show. */
const settle = <T>(read: () => T | Promise<T>, opts: { timeout?: number } = {}) =>
  expect.poll(read, { timeout: 15_000, interval: 100, ...opts });

const rows = (page: Page) =>
  page.locator('#case-rows tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-case-id')));

/** The /api/cases queries the page sends, to show filtering, sorting and paging happen on the server. */
function listQueries(page: Page): URLSearchParams[] {
  const seen: URLSearchParams[] = [];
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.pathname === '/api/cases') seen.push(url.searchParams);
  });
  return seen;
}

describe.skipIf(!BROWSER_AVAILABLE)('the workbench', () => {
  it('opens on the cases awaiting a decision, soonest deadline first', async () => {
    const { page } = analyst;
    await settle(() => rows(page)).toEqual([detected, manualB, manualC]);
    expect(await page.locator('#cases-view').textContent()).toBe(
      'Cases awaiting decision — soonest deadline first',
    );
    expect(await page.locator('#cases-range').textContent()).toBe('1–3 of 3');
    const first = page.locator(`tr[data-case-id="${detected}"]`);
    expect(await first.locator('[data-label="Opened"] time').getAttribute('datetime')).toMatch(
      /^2026-01-01T/,
    );
    expect(await first.locator('.case-link').textContent()).toBe('large transaction');
    expect(analyst.errors).toEqual([]);
  });

  it('filters, sorts and pages on the server', async () => {
    const { page } = analyst;
    const queries = listQueries(page);
    await page.getByLabel('Rows').selectOption('10');
    await page.getByLabel('Stage').selectOption('closed');
    await settle(() => page.locator('#cases-range').textContent()).toBe(`1–10 of ${CLEAN_CASES + 1}`);
    expect(queries.at(-1)?.get('status')).toBe('closed');
    expect(queries.at(-1)?.get('limit')).toBe('10');
    const firstPage = await rows(page);
    await page.getByRole('button', { name: 'Next →' }).click();
    await settle(() => page.locator('#cases-range').textContent()).toBe(`11–12 of ${CLEAN_CASES + 1}`);
    expect(queries.at(-1)?.get('cursor')).toBeTruthy();
    const secondPage = await rows(page);
    expect(new Set([...firstPage, ...secondPage]).size).toBe(CLEAN_CASES + 1);
    expect(await page.getByRole('button', { name: 'Next →' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: '← Previous' }).click();
    await settle(() => rows(page)).toEqual(firstPage);

    await page.getByLabel('Outcome').selectOption('action_executed');
    await settle(() => rows(page)).toEqual([earlier]);
    await page.getByLabel('Outcome').selectOption('');
    await page.getByLabel('Rule').selectOption('large_transaction');
    await page.getByLabel('Stage').selectOption('');
    await settle(() => rows(page)).toEqual([detected]);
    await page.getByLabel('Rule').selectOption('');

    await page.getByLabel('Stage').selectOption('open');
    await page.getByLabel('Sort by').selectOption('risk');
    await settle(() => queries.at(-1)?.get('sort')).toBe('risk');
    const byRisk = [detected, manualB, manualC].sort(
      (a, b) => riskOf(b) - riskOf(a) || openedOf(b).localeCompare(openedOf(a)),
    );
    await settle(() => rows(page)).toEqual(byRisk);
    // The view lives in the address: a reload keeps it.
    expect(new URL(page.url()).hash).toBe('#/?status=open&sort=risk&limit=10');
    await page.reload();
    await settle(() => page.getByLabel('Sort by').inputValue()).toBe('risk');
    expect(await page.getByLabel('Stage').inputValue()).toBe('open');
  });

  it('finds a case by its customer or its id', async () => {
    const { page } = analyst;
    const queries = listQueries(page);
    await page.getByRole('button', { name: 'Cases awaiting a decision' }).click();
    await page.getByLabel('Customer or case id').fill('c045');
    await settle(() => rows(page)).toEqual([manualC]);
    expect(queries.at(-1)?.get('q')).toBe('c045');
    await page.getByLabel('Customer or case id').fill(manualB.slice('case-'.length, 18));
    await settle(() => rows(page)).toEqual([manualB]);
    await page.getByLabel('Customer or case id').fill('nobody-like-this');
    await settle(() => page.locator('#cases-empty').textContent()).toBe('No cases match these filters.');
    await page.getByRole('button', { name: 'Cases awaiting a decision' }).click();
    await settle(() => rows(page)).toEqual([detected, manualB, manualC]);
  });

  it("shows the customer's earlier cases and the audit of a case", async () => {
    const { page } = analyst;
    await page.goto(`${host.baseUrl}/api/console#/cases/${manualB}`);
    const panel = page.locator('[data-part="customer"]');
    await expect
      .poll(() => panel.locator('#customer-summary').textContent())
      .toBe('1 other case: 1 action executed.');
    expect(await panel.locator(`li[data-case-id="${earlier}"]`).textContent()).toContain('action executed');

    await panel.locator(`li[data-case-id="${earlier}"] a`).click();
    await settle(() => page.locator('#audit-ledger').count()).toBe(1);
    const decision = page.locator('#audit-decisions li');
    expect(await decision.textContent()).toContain('bob@contoso.com approved round 1 — lock account');
    const ledger = page.locator('#audit-ledger li');
    expect((await ledger.locator('code').textContent())?.replace(/\s/g, '')).toBe(
      `${earlier}:r1:lock_account:lock_account`,
    );
    const action = page.locator('#audit-deliveries li', { hasText: 'action to the bank' });
    expect(await action.locator('[data-state]').getAttribute('data-state')).toBe('delivered');
    expect(await action.textContent()).toMatch(/HTTP status\s*200.*Attempts\s*1/);
    // The earlier case's customer panel names the later one.
    expect(await panel.locator('#customer-summary').textContent()).toBe('1 other case.');
    await expect
      .poll(() =>
        page.locator('#earlier-cases li').evaluateAll((l) => l.map((x) => x.getAttribute('data-case-id'))),
      )
      .toEqual([manualB]);
    expect(analyst.errors).toEqual([]);
  });

  it('labels evidence by the round it arrived in and files a reject under its round, with its analyst', async () => {
    const { page } = analyst;
    await page.goto(`${host.baseUrl}/api/console#/cases/${detected}`);
    await page.locator('#decision-form[data-round="1"] fieldset:not([disabled])').waitFor();
    // Round 1 of 2: rejecting re-investigates, and nothing warns of an escalation.
    await page.getByLabel('Reject and re-investigate').check();
    expect(await page.locator('#last-round-warning').count()).toBe(0);
    await page.getByLabel('Feedback', { exact: true }).fill('Check the billing disputes before locking.');
    await page.getByLabel('Analyst').fill('alice@contoso.com');
    await page.getByRole('button', { name: 'Submit decision' }).click();
    await waitForCase(host, detected, (s) => s.round === 2 && s.stage === 'awaiting_decision');
    await page
      .locator('#decision-form[data-round="2"] fieldset:not([disabled])')
      .waitFor({ timeout: 10_000 });

    // While round 2 waits for the analyst, three failed logins arrive for the same customer.
    const more = await post('telemetry', {
      events: [0, 10, 20].map((s) => ({ type: 'auth_failure', customerId: 'C013', timestamp: at(600 + s) })),
    });
    expect(more.alerts).toHaveLength(1);
    await settle(() => page.locator('.entry-evidence').count(), { timeout: 10_000 }).toBe(1);
    expect(await page.locator('.round[data-round="2"] .entry-evidence').count()).toBe(1);
    expect(await page.locator('.round[data-round="3"]').count()).toBe(0);

    await screenshot(page, 'wb-case-1280');
    const reject = page.locator('.timeline li[data-event="rejected"]');
    expect(await reject.getAttribute('data-round')).toBe('1');
    expect(await reject.textContent()).toContain('round 1 · rejected by alice@contoso.com');
  });

  it('warns that rejecting the last round escalates, and leaves no form once the case is closed', async () => {
    const { page } = analyst;
    expect(await page.locator('#decision-form legend').textContent()).toBe('Round 2 of 2');
    const warning = page.locator('#last-round-warning');
    expect(await warning.isVisible()).toBe(false);
    await page.getByLabel('Reject and escalate (last round)').check();
    expect(await warning.isVisible()).toBe(true);
    expect(await warning.textContent()).toContain(
      'Rejecting it starts no new investigation: the case is escalated',
    );
    await page
      .getByLabel('Feedback', { exact: true })
      .fill('Still not convinced; a senior analyst should look.');
    await page.getByRole('button', { name: 'Submit decision' }).click();
    await waitForCase(host, detected, 'closed');
    await expect
      .poll(() => page.locator('#decision-title').textContent(), { timeout: 10_000 })
      .toBe('Outcome');
    expect(await page.locator('#decision-form').count()).toBe(0);
    expect(await page.locator('#case-result .outcome').textContent()).toContain('escalated: too many rounds');
    expect(await page.locator('.timeline li[data-event="rejected"]').count()).toBe(2);
    // The feed announced this close once, not once per closing activity.
    await page.goto(`${host.baseUrl}/api/console#/`);
    expect(analyst.errors).toEqual([]);
  });

  it('reads well at 390 px: findings before the form, the whole action list, a short path, ids whole', async () => {
    const phone = await openConsole(browser, `${host.baseUrl}/api/console#/cases/${manualC}`, {
      key: KEY,
      clockAt: VIRTUAL_START,
      viewport: NARROW,
    });
    const { page } = phone;
    await page.locator('#decision-form[data-round="1"] fieldset:not([disabled])').waitFor();
    const top = (sel: string) => page.locator(sel).evaluate((el) => el.getBoundingClientRect().top);
    expect(await top('[data-part="findings"]')).toBeLessThan(await top('#decision-form'));
    expect(await top('#decision-form')).toBeLessThan(await top('[data-part="conversation"]'));
    // The path is a few short lines, not a screen.
    expect(
      await page.locator('.flow-panel').evaluate((el) => el.getBoundingClientRect().height),
    ).toBeLessThan(170);
    // The action list is inside the screen and its longest choice is readable in it.
    await page.getByLabel('Action').selectOption('both');
    // A string: it runs in the page, and this project type-checks against Node's globals, not the DOM's.
    const fit = (await page.evaluate(`(() => {
      const select = document.getElementById('decision-action');
      const style = getComputedStyle(select);
      const ctx = document.createElement('canvas').getContext('2d');
      ctx.font = style.fontWeight + ' ' + style.fontSize + ' ' + style.fontFamily;
      return {
        right: select.getBoundingClientRect().right,
        room: select.clientWidth - parseFloat(style.paddingLeft) - 24,
        text: ctx.measureText(select.selectedOptions[0].textContent).width,
      };
    })()`)) as { right: number; room: number; text: number };
    expect(fit.right).toBeLessThanOrEqual(NARROW.width);
    expect(fit.text).toBeLessThan(fit.room);
    expect(await overflowing(page)).toEqual([]);
    await screenshot(page, 'wb-case-390');

    // Case ids break only after a separator: every piece between separators stays on one line.
    await page.goto(`${host.baseUrl}/api/console#/?status=`);
    await page.locator('#case-rows tr').first().waitFor();
    const split = (await page.evaluate(`[...document.querySelectorAll('.case-id')].flatMap((id) =>
      [...id.childNodes]
        .filter((n) => n.nodeType === Node.TEXT_NODE && n.textContent.length > 0)
        .filter((n) => {
          const range = document.createRange();
          range.selectNodeContents(n);
          return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size > 1;
        })
        .map((n) => n.textContent))`)) as string[];
    expect(await page.locator('.case-id').count()).toBeGreaterThan(3);
    expect(split).toEqual([]);
    expect(await overflowing(page)).toEqual([]);
    await page.goto(`${host.baseUrl}/api/console#/`);
    await settle(() => page.locator('#case-rows tr').count()).toBeGreaterThan(0);
    await screenshot(page, 'triage-390');
    expect(phone.errors).toEqual([]);
    await phone.context.close();
  });

  it('shows a case close once in the live feed, though two activities announce it', async () => {
    const { page } = analyst;
    await page.setViewportSize(WIDE);
    const id = await manual('C002', 'Routine check of a clean account');
    await waitForCase(host, id, 'closed');
    const items = page.locator('#feed-list li[data-kind="case"]', { has: page.locator(`a[title="${id}"]`) });
    await settle(() => items.count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await page.waitForTimeout(500); // the closing notice follows the auto-clear's own announcement
    const closes = await items.evaluateAll((l) => l.map((i) => i.getAttribute('data-case-kind')));
    expect(closes.filter((k) => k === 'auto_cleared' || k === 'closed')).toEqual(['auto_cleared']);
    // The failed logins that arrived in the last round were read by the escalated case before it closed
    // (its last read, src/cases/routing.ts): no other case opened for them.
    await settle(() => rows(page)).toEqual([manualB, manualC]);
    await screenshot(page, 'triage-1280');
  });

  // UPDATE_DOCS_SCREENSHOTS=1 refreshes the README's pictures; a normal run leaves docs/ alone.
  it.runIf(process.env['UPDATE_DOCS_SCREENSHOTS'])('keeps the README pictures in docs/screenshots', () => {
    const docs = path.join(APP_DIR, 'docs', 'screenshots');
    mkdirSync(docs, { recursive: true });
    for (const [from, to] of [
      ['triage-1280', 'console-list-1280'],
      ['wb-case-1280', 'console-case-1280'],
      ['triage-390-top', 'console-list-390'],
      ['wb-case-390-top', 'console-case-390'],
    ] as const)
      copyFileSync(path.join(SCREENSHOTS, `${from}.png`), path.join(docs, `${to}.png`));
  });
});
