import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { errorResponse } from '../../api/errors';
import { PageRoutes } from '../../api/routes';
import { registerRoute } from './register';

/**
 * The analyst console: GET /api/console (the page) and GET /api/console/{file} (its scripts and
 * styles), anonymous. The page holds no data; its API calls carry the function key (or the Easy Auth
 * session). Assets are plain files in src/web: the build does not copy them, so they are read from
 * `<app root>/src/web` (dist and the deployment package both keep src/) with `src/web` as the fallback
 * when running from source.
 */

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** Only these names are served: nothing else under src/web (or elsewhere) is reachable. */
const ASSET_NAME = /^[a-z][a-z0-9-]{0,40}\.(js|css|svg)$/;

/** Scripts only from this origin, no inline script or style, API calls only to this origin. */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

export function webDir(): string {
  const candidates = [path.resolve(__dirname, '../../../../src/web'), path.resolve(__dirname, '../../web')];
  for (const dir of candidates) {
    try {
      readFileSync(path.join(dir, 'index.html'));
      return dir;
    } catch {
      // try the next candidate
    }
  }
  throw new Error(`console assets not found; looked in ${candidates.join(', ')}`);
}

const cache = new Map<string, string>();

function readAsset(name: string): string | undefined {
  const hit = cache.get(name);
  if (hit !== undefined) return hit;
  try {
    const text = readFileSync(path.join(webDir(), name), 'utf8');
    cache.set(name, text);
    return text;
  } catch {
    return undefined;
  }
}

function asset(name: string, body: string): HttpResponseInit {
  return {
    status: 200,
    headers: {
      'content-type': CONTENT_TYPES[path.extname(name)] ?? 'application/octet-stream',
      // Short: a redeploy is picked up within a minute without cache-busting names.
      'cache-control': name.endsWith('.html') ? 'no-cache' : 'public, max-age=60',
      ...SECURITY_HEADERS,
    },
    body,
  };
}

/**
 * The page links its assets and the API relative to where it was served from (`/api/console` →
 * `/api/`), so a custom route prefix works; the prefix is derived from the request path, restricted
 * to a safe character set before it goes into the HTML.
 */
export function basePath(requestUrl: string): string {
  const pathname = new URL(requestUrl).pathname;
  const i = pathname.toLowerCase().lastIndexOf('/console');
  const base = i >= 0 ? pathname.slice(0, i + 1) : '/api/';
  return /^\/[A-Za-z0-9/_-]*$/.test(base) ? base : '/api/';
}

export async function consolePageHttp(
  request: HttpRequest,
  _context: InvocationContext,
): Promise<HttpResponseInit> {
  const html = readAsset('index.html');
  if (html === undefined) return errorResponse(503, 'console assets are missing from this deployment');
  return asset('index.html', html.replaceAll('%BASE%', basePath(request.url)));
}

export async function consoleAssetHttp(
  request: HttpRequest,
  _context: InvocationContext,
): Promise<HttpResponseInit> {
  const name = request.params.file ?? '';
  const body = ASSET_NAME.test(name) ? readAsset(name) : undefined;
  if (body === undefined) return errorResponse(404, `no console asset '${name.slice(0, 60)}'`);
  return asset(name, body);
}

registerRoute(PageRoutes.console, consolePageHttp, { durableClient: false });

registerRoute(PageRoutes.consoleAsset, consoleAssetHttp, { durableClient: false });
