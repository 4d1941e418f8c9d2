import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OfflineHost } from '../../scripts/offline-host/index';
import { CASE_REVIEW_APP_URI, ReviewTools } from '../../src/mcp/names';
import { BROWSER_AVAILABLE, launchBrowser, NARROW, overflowing, screenshot, WIDE } from '../e2e/browser';
import { APP_DIR, ledgerOf, openCase, startApp, transactionAlert, waitForCase } from '../support/app';
import { connect, type Connected } from './support';

/**
 * The case-review MCP App in headless Chromium, inside a minimal MCP Apps host page (ext-apps' AppBridge,
 * sandboxed iframe): the HTML comes from resources/read, the first result from get_case, both over real
 * HTTP from the offline host; the view's buttons call decide_case through the bridge and the SDK client.
 */
let host: OfflineHost;
let mcp: Connected;
let browser: Browser;
let caseId: string;
let appHtml: string;
let hostScript: string;

beforeAll(async () => {
  if (!BROWSER_AVAILABLE) return;
  [host, browser] = await Promise.all([startApp(), launchBrowser()]);
  mcp = await connect(
    host.mcpUrl!,
    'streamable',
    { 'x-functions-key': host.mcpExtensionKey },
    'browser-test-host',
  );
  caseId = await openCase(host, transactionAlert('C013'));
  await waitForCase(host, caseId, 'awaiting_decision');
  const read = await mcp.client.readResource({ uri: CASE_REVIEW_APP_URI });
  appHtml = (read.contents[0] as { text: string }).text;
  const bundle = await build({
    entryPoints: [path.join(__dirname, 'app-host', 'host.ts')],
    bundle: true,
    format: 'iife',
    write: false,
    logLevel: 'silent',
  });
  hostScript = bundle.outputFiles[0]!.text;
}, 60_000);
afterAll(async () => {
  await mcp?.client.close();
  await browser?.close();
  await host?.stop();
});

interface HostedApp {
  context: BrowserContext;
  page: Page;
  view: Frame;
  errors: string[];
}

/** The host page with the view opened on a tool result, the browser clock set to the host's time. */
async function hostApp(
  viewport: { width: number; height: number },
  toolName: string,
  args: Record<string, unknown>,
): Promise<HostedApp> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  const result = await mcp.client.callTool({ name: toolName, arguments: args });
  const deadline = (result.structuredContent as { case?: { deadline?: string } }).case?.deadline;
  // The host's clock is virtual: 72 h before the deadline is "now" there (plus a moment).
  if (deadline) await page.clock.install({ time: new Date(Date.parse(deadline) - 72 * 3_600_000 + 5_000) });
  await page.exposeFunction('hostCallTool', (params: { name: string; arguments?: Record<string, unknown> }) =>
    mcp.client.callTool(params),
  );
  await page.setContent(
    `<!doctype html><html><body style="margin:0;font-family:sans-serif"><div style="padding:8px;background:#eef;font-size:12px">test MCP host · tool ${toolName}</div><div id="frame"></div></body></html>`,
  );
  await page.addScriptTag({ content: hostScript });
  await page.evaluate(
    ([html, a, r]) =>
      (globalThis as unknown as { openApp: (...x: unknown[]) => Promise<void> }).openApp(html, a, r),
    [appHtml, args, result] as const,
  );
  // The view leaves its loading state once the tool result has arrived over the bridge.
  await page.frameLocator('#app').locator('#loading').waitFor({ state: 'hidden' });
  const frame = page.frames().find((f) => f !== page.mainFrame())!;
  await fitsItsContent(page, frame);
  return { context, page, view: frame, errors };
}

/** The view reports its height (ui/notifications/size-changed) and the host sizes the iframe to it. */
async function fitsItsContent(page: Page, frame: Frame): Promise<void> {
  await expect
    .poll(async () => {
      const box = await page.locator('#app').boundingBox();
      const content = Number(await frame.evaluate('document.documentElement.scrollHeight'));
      return box !== null && Math.abs(box.height - content) <= 2;
    })
    .toBe(true);
}

const shots = path.join(APP_DIR, 'docs', 'screenshots');

describe.skipIf(!BROWSER_AVAILABLE)('the case-review MCP App in Chromium', () => {
  it('renders a case list from list_cases and opens a case through get_case', async () => {
    const app = await hostApp(WIDE, ReviewTools.listCases, { status: 'awaiting_decision' });
    try {
      const row = app.view.locator('#list-rows tr', { hasText: caseId });
      await expect.poll(() => row.count()).toBe(1);
      await row.locator('button.open').click();
      await app.view.locator('#case').waitFor({ state: 'visible' });
      expect(await app.view.locator('#case-id').textContent()).toBe(caseId);
      expect(
        await app.page.evaluate(() => (globalThis as unknown as { hostLog: string[] }).hostLog),
      ).toContain(`tools/call ${ReviewTools.getCase} {"caseId":"${caseId}"}`);
      expect(app.errors).toEqual([]);
    } finally {
      await app.context.close();
    }
  });

  it(
    'shows the risk, findings, evidence and countdown, fits 390 px, and approves through decide_case',
    { timeout: 90_000 },
    async () => {
      const narrow = await hostApp(NARROW, ReviewTools.getCase, { caseId });
      try {
        // Nothing sticks out of the host page, nor of the view inside it.
        expect(await overflowing(narrow.page)).toEqual([]);
        expect(await overflowing(narrow.view as unknown as Page)).toEqual([]);
        await screenshot(narrow.page, 'mcp-app-case-390');
      } finally {
        await narrow.context.close();
      }

      const app = await hostApp(WIDE, ReviewTools.getCase, { caseId });
      try {
        const v = app.view;
        expect(await v.locator('#case-stage').textContent()).toBe('awaiting decision');
        expect(Number(await v.locator('#risk-score').textContent())).toBeGreaterThanOrEqual(0.6);
        expect(await v.locator('#risk-level').textContent()).toMatch(/high|critical/);
        expect(await v.locator('#findings > li').count()).toBe(3);
        expect(await v.locator('#evidence li').first().textContent()).toContain('large_transaction');
        expect(await v.locator('#countdown').textContent()).toMatch(/^7[01]:\d\d:\d\d left/);
        expect(await v.locator('#decide').isVisible()).toBe(true);

        // Reject with no feedback is stopped in the view; nothing is sent.
        await v.locator('#reject').click();
        expect(await v.locator('#decision-status').textContent()).toContain('needs feedback');
        await fitsItsContent(app.page, v);
        const file = await screenshot(app.page, 'mcp-app-case-1280');
        // UPDATE_DOCS_SCREENSHOTS=1 refreshes the README's picture; a normal run leaves docs/ alone.
        if (process.env['UPDATE_DOCS_SCREENSHOTS']) {
          mkdirSync(shots, { recursive: true });
          copyFileSync(file, path.join(shots, 'mcp-app-case.png'));
        }

        await v.locator('#action').selectOption('lock_account');
        await v.locator('#analyst').fill('dana');
        await v.locator('#approve').click();
        await expect
          .poll(() => v.locator('#decision-status').textContent(), { timeout: 10_000 })
          .toMatch(/^Approved as dana \(unverified: MCP key\)/);
        expect(
          await app.page.evaluate(() => (globalThis as unknown as { hostLog: string[] }).hostLog),
        ).toContain(
          `tools/call ${ReviewTools.decideCase} {"caseId":"${caseId}","decision":"approve","round":1,"action":"lock_account","analyst":"dana"}`,
        );
        const closed = await waitForCase(host, caseId, 'closed');
        expect(closed.outcome).toBe('action_executed');
        expect((await ledgerOf(host, 'C013')).entries.map((e) => e.action)).toEqual(['lock_account']);
        await expect.poll(() => v.locator('#case-stage').textContent()).toBe('action executed');
        expect(await v.locator('#decide').isVisible()).toBe(false);
        await fitsItsContent(app.page, v);
        await screenshot(app.page, 'mcp-app-case-decided-1280');
        expect(app.errors).toEqual([]);
      } finally {
        await app.context.close();
      }
    },
  );

  it(
    'warns in the last round and rejects through decide_case with the feedback; the case escalates',
    { timeout: 90_000 },
    async () => {
      const settings = { riskThreshold: 0.6, decisionTimeoutHours: 72, maxRounds: 1 };
      const last = await openCase(host, transactionAlert('C042'), settings);
      await waitForCase(host, last, 'awaiting_decision');
      const app = await hostApp(WIDE, ReviewTools.getCase, { caseId: last });
      try {
        const v = app.view;
        expect(await v.locator('#case-round').textContent()).toBe('round 1 of 1');
        expect(await v.locator('#last-round').isVisible()).toBe(true);
        await v.locator('#feedback').fill('Check the shipping addresses.');
        await v.locator('#reject').click();
        await expect
          .poll(() => v.locator('#decision-status').textContent(), { timeout: 10_000 })
          .toMatch(/^Rejected as /);
        const closed = await waitForCase(host, last, 'closed');
        expect(closed.outcome).toBe('escalated_max_rounds');
        expect(closed.decisions[0]).toMatchObject({
          decision: 'reject',
          feedback: 'Check the shipping addresses.',
        });
        // The view follows the case until it settles (it reads it again while the case works).
        await expect
          .poll(() => v.locator('#case-stage').textContent(), { timeout: 15_000 })
          .toBe('escalated: too many rounds');
        expect(app.errors).toEqual([]);
      } finally {
        await app.context.close();
      }
    },
  );
});
