import { existsSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { APP_DIR } from '../support/app';

/**
 * Headless Debian Chromium driven by playwright-core: no downloaded browser, no network beyond loopback.
 * Each page records console errors and uncaught exceptions so a test can assert there were none.
 */
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
/**
 * Without Chromium (a laptop with only Node) the browser suites are skipped and say so; in CI (CI=true)
 * a missing browser is a failure, never a silent skip.
 */
export const BROWSER_AVAILABLE = existsSync(CHROMIUM) || process.env['CI'] === 'true';
if (!BROWSER_AVAILABLE)
  console.warn(
    `Browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH).`,
  );
export const SCREENSHOTS = path.join(APP_DIR, 'test-results', 'screenshots');
export const WIDE = { width: 1280, height: 860 };
export const NARROW = { width: 390, height: 844 };

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

export interface ConsolePage {
  context: BrowserContext;
  page: Page;
  /** Console errors and page errors seen so far (the text of each). */
  errors: string[];
}

export interface OpenOptions {
  viewport?: { width: number; height: number };
  /** Put the key in session storage before the page loads (as if entered earlier in this tab). */
  key?: string;
  /** The browser's clock starts here (the host's virtual clock does not follow wall time). */
  clockAt?: Date;
  /** Requests to URLs matching this fail (a cut connection); their console errors are expected. */
  cut?: RegExp;
}

export async function openConsole(
  browser: Browser,
  url: string,
  opts: OpenOptions = {},
): Promise<ConsolePage> {
  const context = await browser.newContext({ viewport: opts.viewport ?? WIDE });
  if (opts.key !== undefined) {
    await context.addInitScript((k) => sessionStorage.setItem('dfa.functionKey', k), opts.key);
  }
  if (opts.cut) await context.route(opts.cut, (route) => route.abort('connectionreset'));
  const page = await context.newPage();
  if (opts.clockAt) await page.clock.install({ time: opts.clockAt });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    if (opts.cut?.test(m.location().url ?? '')) return;
    errors.push(`${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  await page.goto(url);
  return { context, page, errors };
}

/** `<name>.png`, the whole page, and `<name>-top.png`, what the first screen shows. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-top.png`) });
  return file;
}

/** Elements that stick out past the right edge of the viewport (nothing should at 390 px). */
export function overflowing(page: Page): Promise<string[]> {
  // A string: it runs in the page, and this project type-checks against Node's globals, not the DOM's.
  return page.evaluate(`(() => {
    const width = document.documentElement.clientWidth;
    const out = [];
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > width + 1 && !el.closest('[hidden]')) {
        out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + '.' + el.className + ' right=' + Math.round(r.right));
      }
    }
    return out.slice(0, 10);
  })()`);
}

/** A TCP pass-through to the host whose open connections a test can cut, like a dropped network. */
export interface CuttableProxy {
  url: string;
  cut(): void;
  close(): Promise<void>;
}

export async function cuttableProxy(target: string): Promise<CuttableProxy> {
  const { port: targetPort, hostname } = new URL(target);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(targetPort), hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    cut: () => {
      for (const s of sockets) s.destroy();
    },
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
