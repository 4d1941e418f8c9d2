import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOfflineHost, type OfflineHost } from '../../scripts/offline-host/index';
import { APP_DIR } from '../support/app';
import {
  BROWSER_AVAILABLE,
  cuttableProxy,
  launchBrowser,
  openConsole,
  type ConsolePage,
  type CuttableProxy,
} from './browser';

/**
 * The live feed with the telemetry simulator running on the real clock (one tick a second, frequent
 * anomalies so a rule fires within the test): what `npm run local` shows an analyst.
 */
const KEY = 'test-key';
let host: OfflineHost;
let browser: Browser;
let ui: ConsolePage;
let proxy: CuttableProxy;

beforeAll(async () => {
  if (!BROWSER_AVAILABLE) return;
  [host, browser] = await Promise.all([
    startOfflineHost({
      appDir: APP_DIR,
      port: 0,
      inMemory: true,
      clock: 'real',
      functionKey: KEY,
      env: {
        SIMULATOR_ENABLED: 'true',
        SIMULATOR_SCHEDULE: '*/1 * * * * *',
        SIMULATOR_WARMUP_EVENTS: '0',
        SIMULATOR_ANOMALY_PROBABILITY: '0.5',
        DURABLE_TASK_SCHEDULER_CONNECTION_STRING: '',
      },
    }),
    launchBrowser(),
  ]);
  proxy = await cuttableProxy(host.baseUrl);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await proxy?.close();
  await host?.stop();
});

const items = (kind: string) => ui.page.locator(`#feed-list li[data-kind="${kind}"]`);

describe.skipIf(!BROWSER_AVAILABLE)('live feed', () => {
  it('shows simulator telemetry by type and alerts with the rule that fired', async () => {
    ui = await openConsole(browser, `${proxy.url}/api/console`, { key: KEY });
    await expect.poll(() => ui.page.locator('#conn').textContent(), { timeout: 10_000 }).toContain('live');
    await expect.poll(() => items('telemetry').count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    expect(await items('telemetry').first().textContent()).toMatch(
      /C\d{3}.*\d+ events?: [a-z_]+ ×\d.*simulator/,
    );
    expect(await ui.page.locator('#feed-counts').textContent()).toMatch(/Telemetry: ([a-z_]+ \d+)/);

    await expect.poll(() => items('alert').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    const alert = items('alert').first();
    expect(await alert.locator('.rule').textContent()).toMatch(
      /^(new_country_login|large_transaction|data_usage_spike|auth_failure_burst|api_call_burst|[a-z_]+)$/,
    );
    expect(await alert.locator('a.feed-case').getAttribute('href')).toMatch(/^#\/cases\/case-/);
    expect(ui.errors).toEqual([]);
  });

  it('holds new events while paused, shows them on resume, and clears', async () => {
    const { page } = ui;
    await page.getByRole('button', { name: 'Pause' }).click();
    expect(await page.getByRole('button', { name: 'Resume' }).getAttribute('aria-pressed')).toBe('true');
    const shown = await page.locator('#feed-list li').count();
    await expect
      .poll(() => page.locator('#feed-paused').textContent(), { timeout: 10_000 })
      .toMatch(/[1-9]\d* new events? held/);
    expect(await page.locator('#feed-list li').count()).toBe(shown);

    await page.getByRole('button', { name: 'Resume' }).click();
    expect(await page.locator('#feed-list li').count()).toBeGreaterThan(shown);
    // Everything shown so far goes; the simulator may add new items at once, so only the old ones are counted.
    await page.evaluate(
      `document.querySelectorAll('#feed-list li').forEach((li) => li.setAttribute('data-before-clear', ''))`,
    );
    await page.getByRole('button', { name: 'Clear' }).click();
    expect(await page.locator('#feed-list li[data-before-clear]').count()).toBe(0);
    expect(ui.errors).toEqual([]);
  });

  it('reconnects on its own after the connection drops and resumes after the last event it saw', async () => {
    const { page } = ui;
    const resumes: Array<string | undefined> = [];
    page.on('request', (r) => {
      if (!r.url().includes('/api/stream')) return;
      void r.allHeaders().then((headers) => {
        resumes.push(
          headers['last-event-id'] ?? new URL(r.url()).searchParams.get('lastEventId') ?? undefined,
        );
      });
    });
    await items('telemetry').first().waitFor();
    proxy.cut();
    await expect
      .poll(() => page.locator('#conn').textContent(), { timeout: 10_000 })
      .toMatch(/reconnecting|connecting/);
    await expect.poll(() => page.locator('#conn').textContent(), { timeout: 15_000 }).toContain('live');
    expect(resumes.some((id) => id !== undefined && /^[0-9a-z]+-\d+$/.test(id))).toBe(true);
    await expect.poll(() => page.locator('#feed-list li').count(), { timeout: 10_000 }).toBeGreaterThan(1);
    // Network errors while offline are what the test caused; nothing else may have failed.
    expect(ui.errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|ERR_NETWORK_CHANGED|net::/.test(e))).toEqual(
      [],
    );
  });
});
