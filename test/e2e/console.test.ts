import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOfflineHost, type OfflineHost } from '../../scripts/offline-host/index';
import { caseIdFor } from '../../src/cases/types';
import { APP_DIR, ledgerOf, waitForCase } from '../support/app';
import {
  BROWSER_AVAILABLE,
  launchBrowser,
  NARROW,
  openConsole,
  overflowing,
  screenshot,
  WIDE,
  type ConsolePage,
} from './browser';

/**
 * The analyst console in headless Chromium against the real app on the offline host (virtual clock,
 * scripted model). One high-risk case (C013: planted location and billing fraud) goes through the
 * whole review: refused reject, reject with feedback (round 2), approve with lock_account, and a
 * stale tab that tries to decide it afterwards. A clean customer (C001) is auto-cleared beside it.
 */
const KEY = 'test-key';
const DASHBOARD = 'http://localhost:8082/test-dashboard';
/** The host's virtual clock starts here; the browser's clock is set to it so countdowns read true. */
const VIRTUAL_START = new Date('2026-01-01T00:00:05Z');
const at = (s: number) => new Date(Date.UTC(2026, 2, 31, 10, 0, s)).toISOString();
const TELEMETRY = [
  { type: 'login', customerId: 'C002', timestamp: at(0), country: 'US', ip: '203.0.113.7', success: true },
  { type: 'data_usage', customerId: 'C003', timestamp: at(1), mb: 180 },
  { type: 'transaction', customerId: 'C013', timestamp: at(2), amount: 1200, merchant: 'Electronics Hub' },
  { type: 'api_call', customerId: 'C004', timestamp: at(3), endpoint: '/v1/balance' },
  // 3.2× C001's average, at a shop where C001 often spends up to $260: flagged, then cleared with that reason.
  {
    type: 'transaction',
    customerId: 'C001',
    timestamp: at(4),
    amount: 330,
    merchant: 'Contoso Mobile Store',
  },
];
const FEEDBACK = 'The customer confirms the foreign login was a VPN; re-check the billing disputes only.';

let host: OfflineHost;
let browser: Browser;
let analyst: ConsolePage;
let highRisk: string;
let clean: string;

beforeAll(async () => {
  if (!BROWSER_AVAILABLE) return;
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
        DTS_DASHBOARD_URL: DASHBOARD,
      },
    }),
    launchBrowser(),
  ]);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

const consoleUrl = () => `${host.baseUrl}/api/console`;

describe.skipIf(!BROWSER_AVAILABLE)('analyst console', () => {
  it('serves the page and its assets anonymously with a strict content security policy', async () => {
    const page = await fetch(consoleUrl());
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).not.toMatch(/<script>|<script [^>]*>[^<]+<\/script>|\son[a-z]+=/i); // no inline script
    expect(html).toContain('src="/api/console/app.js"');
    const js = await fetch(`${host.baseUrl}/api/console/app.js`);
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect((await fetch(`${host.baseUrl}/api/console/..%2Fconfig.ts`)).status).toBe(404);
    expect((await fetch(`${host.baseUrl}/api/console/index.html`)).status).toBe(404);
  });

  it('asks for the key once, then shows a new high-risk case with a live countdown to its deadline', async () => {
    analyst = await openConsole(browser, consoleUrl(), { clockAt: VIRTUAL_START });
    const { page } = analyst;
    await page.getByLabel('Function key').fill(KEY);
    await page.getByRole('button', { name: 'Connect' }).click();
    await expect.poll(() => page.locator('#conn').textContent()).toContain('live');
    expect(await page.evaluate(() => sessionStorage.getItem('dfa.functionKey'))).toBe(KEY);

    // Telemetry arrives while the analyst watches: two large transactions are flagged and open cases.
    const ingest = await fetch(`${host.baseUrl}/api/telemetry`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-functions-key': KEY },
      body: JSON.stringify({ events: TELEMETRY }),
    });
    const { alerts } = (await ingest.json()) as { alerts: Array<{ customerId: string; alertId: string }> };
    const caseOf = (c: string) =>
      caseIdFor(alerts.find((a) => a.customerId === c)?.alertId ?? `missing-${c}`);
    [highRisk, clean] = [caseOf('C013'), caseOf('C001')];
    await Promise.all([waitForCase(host, highRisk, 'awaiting_decision'), waitForCase(host, clean, 'closed')]);

    const row = page.locator(`tr[data-case-id="${highRisk}"]`);
    await row.waitFor();
    await expect.poll(() => row.getAttribute('data-stage')).toBe('awaiting_decision');
    await expect
      .poll(() => row.textContent())
      .toMatch(/C013.*awaiting decision.*round 1.*(high|critical) 0\.\d\d/);
    const countdown = row.locator('time.countdown');
    const first = await countdown.textContent();
    expect(first).toMatch(/^2d 23:59:\d\d$/); // 72 h deadline, seconds after it was set
    await expect.poll(() => countdown.textContent(), { timeout: 3000 }).not.toBe(first);

    // The list opens on the cases awaiting a decision: the auto-cleared one is not among them.
    expect(await page.locator('#case-rows tr').count()).toBe(1);
    expect(await page.locator('#cases-view').textContent()).toContain('awaiting decision');
    await page.locator('#feed-list li[data-kind="case"]').first().waitFor();
    await page.getByLabel('Stage').selectOption('');
    const cleanRow = page.locator(`tr[data-case-id="${clean}"]`);
    await expect.poll(() => cleanRow.textContent()).toContain('auto-cleared');
    expect(await page.locator('#case-rows tr').count()).toBe(2);
    await page.getByRole('button', { name: 'Cases awaiting a decision' }).click();
    await expect.poll(() => page.locator('#case-rows tr').count()).toBe(1);

    await screenshot(page, 'list-1280');
    await page.setViewportSize(NARROW);
    expect(await overflowing(page)).toEqual([]);
    await screenshot(page, 'list-390');
    await page.setViewportSize(WIDE);
    expect(analyst.errors).toEqual([]);
  });

  it('refuses to reject without feedback, in the browser and at the server', async () => {
    const { page } = analyst;
    // By keyboard: open the case from the list; focus lands on its heading.
    await page.locator(`tr[data-case-id="${highRisk}"] a.case-link`).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate('document.activeElement.id')).toBe('case-title');
    await page.locator('#decision-form[data-round="1"] fieldset:not([disabled])').waitFor();
    // What the analyst decides on: three specialists with their tool calls, the aggregate, the path.
    for (const s of ['usage', 'location', 'billing']) {
      const card = page.locator(`.finding[data-specialist="${s}"]`);
      expect(await card.locator('.badge').textContent()).toMatch(/\d\.\d\d/);
      expect(await card.locator('.tools li').count()).toBeGreaterThan(0);
    }
    expect(await page.locator('.reasoning').textContent()).toContain('Aggregate risk');
    expect(await page.locator('[aria-current="step"]').getAttribute('data-step')).toBe('review');
    expect(await page.locator('#dashboard-link').getAttribute('href')).toBe(`${DASHBOARD}/${highRisk}`);

    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST') posts.push(r.url());
    });
    // Arrow keys pick "reject" (the action list is then skipped), Tab walks feedback → analyst → submit.
    await page.locator('#decision-approve').focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.locator('#decision-reject').isChecked()).toBe(true);
    for (const id of ['decision-feedback', 'decision-analyst', 'decision-submit']) {
      await page.keyboard.press('Tab');
      expect(await page.evaluate('document.activeElement.id')).toBe(id);
    }
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.locator('#err-feedback').textContent())
      .toContain('Feedback is required to reject');
    expect(await page.evaluate('document.activeElement.id')).toBe('decision-feedback');
    expect(posts).toEqual([]);

    // Without the browser's check (an old client, a crafted request) the server refuses it too.
    await page.evaluate(`document.getElementById('decision-form').noValidate = true`);
    await page.getByRole('button', { name: 'Submit decision' }).click();
    await expect.poll(() => page.locator('#decision-error').textContent()).toContain('(400)');
    expect(await page.locator('#err-feedback').textContent()).toContain('reject needs feedback');
    expect(posts).toHaveLength(1);
    expect((await waitForCase(host, highRisk, 'awaiting_decision')).round).toBe(1);
    expect(analyst.errors.filter((e) => !e.includes('400'))).toEqual([]);
  });

  it('rejecting with feedback starts round 2 and shows the feedback in the conversation', async () => {
    const { page } = analyst;
    await page.evaluate(`document.getElementById('decision-form').noValidate = false`);
    await page.getByLabel('Feedback', { exact: true }).fill(FEEDBACK);
    await page.getByLabel('Analyst').fill('alice@contoso.com');
    await page.getByRole('button', { name: 'Submit decision' }).click();
    await expect
      .poll(() => page.locator('#decision-status').textContent())
      .toContain('Decision accepted for round 1');

    await waitForCase(host, highRisk, (s) => s.round === 2 && s.stage === 'awaiting_decision');
    await page
      .locator('#decision-form[data-round="2"] fieldset:not([disabled])')
      .waitFor({ timeout: 10_000 });
    const feedback = page.locator('.round[data-round="1"] .entry-feedback');
    await expect.poll(() => feedback.textContent()).toContain(FEEDBACK);
    expect(await feedback.textContent()).toContain('alice@contoso.com');
    expect(await page.locator('.round[data-round="2"] .entry-specialist').count()).toBe(3);
    expect(await page.locator('[data-step="investigate"] .step-note').textContent()).toContain(
      'round 2 · 1 rejected',
    );

    await screenshot(page, 'case-1280');
    await page.setViewportSize(NARROW);
    expect(await overflowing(page)).toEqual([]);
    await screenshot(page, 'case-390');
    await page.setViewportSize(WIDE);
    expect(analyst.errors.filter((e) => !e.includes('400'))).toEqual([]);
  });

  it('approving locks the account and shows the case completed; a stale tab gets a clear refusal', async () => {
    // A second tab on the same case whose live stream is cut: it will not hear about the approval.
    const stale = await openConsole(browser, `${consoleUrl()}#/cases/${encodeURIComponent(highRisk)}`, {
      key: KEY,
      clockAt: VIRTUAL_START,
      cut: /\/api\/stream/,
    });
    await stale.page.locator('#decision-form[data-round="2"] fieldset:not([disabled])').waitFor();

    const { page } = analyst;
    await page.getByLabel('Approve and act').check();
    await page.getByLabel('Action').selectOption('lock_account');
    await page.getByRole('button', { name: 'Submit decision' }).click();
    await expect
      .poll(() => page.locator('#decision-status').textContent())
      .toContain('Decision accepted for round 2');
    await waitForCase(host, highRisk, 'closed');
    await expect
      .poll(() => page.locator('#case-result .outcome').textContent(), { timeout: 10_000 })
      .toContain('Completed: action executed — lock account applied');
    expect(await page.locator('[data-step="action"]').getAttribute('data-state')).toBe('final');
    // Closed: the outcome stands where the form was; no empty, disabled form is left behind.
    await expect.poll(() => page.locator('#decision-form').count()).toBe(0);
    expect(await page.locator('#decision-title').textContent()).toBe('Outcome');
    expect((await ledgerOf(host, 'C013')).locked).toBe(true);

    // The stale tab still shows round 2 open and tries to clear the case.
    await stale.page.getByLabel('Action').selectOption('clear');
    await stale.page.getByRole('button', { name: 'Submit decision' }).click();
    const message = stale.page.locator('#decision-error');
    await expect
      .poll(() => message.textContent())
      .toContain('Not accepted (409): case is not awaiting a decision');
    expect(await message.textContent()).toContain('It is now closed, round 2');
    await expect
      .poll(() => stale.page.locator('#case-result .outcome').textContent())
      .toContain('action executed');
    expect((await ledgerOf(host, 'C013')).entries.map((e) => e.action)).toEqual(['lock_account']);
    await screenshot(stale.page, 'stale-tab-409');

    expect(analyst.errors.filter((e) => !e.includes('400'))).toEqual([]);
    expect(stale.errors.filter((e) => !e.includes('409'))).toEqual([]);
    await stale.context.close();
  });
});
